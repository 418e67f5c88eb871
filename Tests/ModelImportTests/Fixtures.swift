import Foundation

/// Tiny models in the exact source formats, written by Python scripts (run with `python3`):
/// eos `.bin` files with nothing but `struct`, mirroring cereal's binary archive byte by byte,
/// and FLAME `.npz` files with NumPy. Each script also writes `expected.json` with the values
/// it wrote, so the tests compare against the source of truth.
enum Fixtures {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `script` with `python3` in a new temporary folder (passed as its argument) and returns the folder.
    static func run(_ script: String) throws -> URL {
        let folder = try temporaryFolder()
        let scriptURL = folder.appendingPathComponent("make.py")
        try Data(script.utf8).write(to: scriptURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, folder.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
        return folder
    }

    /// The eos fixtures: see `eosScript`.
    static func eos() throws -> URL { try run(eosScript) }

    /// The FLAME fixtures: see `flameScript`.
    static func flame() throws -> URL { try run(flameScript) }

    /// The decoded `expected.json` of a fixture folder.
    static func expected(_ folder: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "expected.json is not an object")
        }
        return object
    }

    /// Writes, for a 6-vertex, 2-triangle model with 2 shape components:
    /// - `model_v4_blendshapes.bin`: MorphableModel version 4, colour model (1 component),
    ///   2 blendshapes, landmark definitions, per-vertex texture coordinates and texture triangles;
    /// - `model_v3_pca.bin`: version 3 with a 2-component PCA expression model (non-zero mean);
    /// - `sfm_shape_v1.bin`: version 1, shape only (empty colour model), per-vertex texture coordinates;
    /// - `model_v1_fivefield.bin`: version 1 with the older five-field PcaModel (rescaled basis too);
    /// - `model_v0_opencv.bin`: version 0 with OpenCV `cv::Mat` matrices;
    /// - `model_v4_combined.bin`: version 4 as eos-py's `save_model` writes `MorphableModel(shape,
    ///   blendshapes, color_model=PcaModel(), vertex_definitions=None, texture_coordinates=uv)`;
    /// - `blendshapes.bin`: eos's blendshapes file (`std::vector<Blendshape>`) of the same two
    ///   blendshapes; `blendshapes_opencv.bin` in the OpenCV-era form; `blendshapes_wrong_size.bin`
    ///   (the second one a vertex short); `blendshapes_empty.bin` (a count of 0);
    /// - `pyramid_v4.bin`: a shape-only square pyramid without its base (5 vertices, 4 triangles)
    ///   and its eos edge topology `pyramid_edge_topology.json` (also with plain arrays, and broken:
    ///   `_other_faces`, `_missing`, `_foreign`, `_zero_second`); `edge_topology.json` of the 6-vertex mesh;
    /// - `ibug_to_sfm.txt` (TOML), `ibug_to_sfm_info.txt` (the older Boost INFO form), `contours.json`.
    static let eosScript = #"""
import json, math, os, struct, sys

out = sys.argv[1]

def u32(v): return struct.pack('<I', v)
def i32(v): return struct.pack('<i', v)
def u64(v): return struct.pack('<Q', v)
def boolean(v): return struct.pack('<?', v)
def floats(vs): return struct.pack('<%df' % len(vs), *vs)
def doubles(vs): return struct.pack('<%dd' % len(vs), *vs)
def string(s):
    b = s.encode('utf-8')
    return u64(len(b)) + b

# Eigen matrix (eos eigen_cerealisation.hpp): int32 rows, int32 cols, column-major floats.
def eigen(rows, cols, colmajor):
    assert len(colmajor) == rows * cols
    return i32(rows) + i32(cols) + floats(colmajor)

# cv::Mat (eos mat_cerealisation.hpp): int32 rows, cols, type; bool continuous; row-major data.
def cvmat(rows, cols, rowmajor):
    assert len(rowmajor) == rows * cols
    if rows * cols == 0:
        return i32(0) + i32(0) + i32(0) + boolean(False)
    return i32(rows) + i32(cols) + i32(5) + boolean(True) + floats(rowmajor)

def triangle_list(ts):  # vector<array<int,3>>: uint64 size, then 3 int32 each
    return u64(len(ts)) + b''.join(struct.pack('<3i', *t) for t in ts)

def pca(mean, columns, eigenvalues, tris, layout):
    m, k = len(mean), len(columns)
    colmajor = [x for c in columns for x in c]
    rescaled = [x * math.sqrt(eigenvalues[j]) for j, c in enumerate(columns) for x in c]
    if layout == 'eigen':
        if m == 0:
            return eigen(0, 1, []) + eigen(0, 0, []) + eigen(0, 1, []) + triangle_list(tris)
        return eigen(m, 1, mean) + eigen(m, k, colmajor) + eigen(k, 1, eigenvalues) + triangle_list(tris)
    if layout == 'eigen5':
        return eigen(m, 1, mean) + eigen(m, k, rescaled) + eigen(m, k, colmajor) + eigen(k, 1, eigenvalues) + triangle_list(tris)
    if layout == 'opencv':
        def rowmajor(cm): return [cm[j * m + i] for i in range(m) for j in range(k)]
        if m == 0:
            return cvmat(0, 0, []) * 4 + triangle_list(tris)
        return (cvmat(m, 1, mean) + cvmat(m, k, rowmajor(rescaled)) + cvmat(m, k, rowmajor(colmajor))
                + cvmat(k, 1, eigenvalues) + triangle_list(tris))
    raise ValueError(layout)

positions = [(-30, 20, 0), (30, 20, 0), (0, 0, 20), (-20, -30, 5), (20, -30, 5), (0, -50, 10)]
mean = [float(c) for p in positions for c in p]
M = len(mean)
triangles = [(0, 3, 5), (1, 2, 4)]

def unit(entries):
    v = [0.0] * M
    for i, x in entries: v[i] = x
    return v

shape_columns = [unit([(0, 1.0)]), unit([(4, 0.6), (17, 0.8)])]
shape_eigenvalues = [4.0, 9.0]
color_mean = [0.5] * M
color_columns = [[1 / math.sqrt(M)] * M]
color_eigenvalues = [0.01]
blendshapes = [('happiness', [0.1 * (i % 5) for i in range(M)]), ('surprise', [-0.2 if i % 3 == 1 else 0.0 for i in range(M)])]
exp_mean = [0.01 * i for i in range(M)]
exp_columns = [unit([(1, 1.0)]), unit([(16, -1.0)])]
exp_eigenvalues = [1.0, 0.25]
uv = [(0.1 * i, 0.2 + 0.1 * i) for i in range(6)]

def uv_bytes():  # vector<array<double,2>>: uint64 size, then 2 doubles each
    return u64(len(uv)) + b''.join(doubles(list(t)) for t in uv)

def write(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

# Version 4: blendshapes, landmark definitions, texture triangles.
v4 = u32(4)
v4 += pca(mean, shape_columns, shape_eigenvalues, triangles, 'eigen')
v4 += pca(color_mean, color_columns, color_eigenvalues, triangles, 'eigen')
v4 += boolean(False) + i32(1) + u64(len(blendshapes))          # optional (present), variant index 1
for name, d in blendshapes:
    v4 += string(name) + eigen(M, 1, d)
definitions = [('9', 5), ('eye.right.outer_corner', 0)]
v4 += boolean(False) + u64(len(definitions))                    # optional map (present)
for k, v in definitions:
    v4 += string(k) + i32(v)
v4 += uv_bytes()
v4 += triangle_list(triangles)                                  # texture_triangle_indices
write('model_v4_blendshapes.bin', v4)

# Version 3: PCA expression model, no landmark definitions, no texture coordinates.
v3 = u32(3)
v3 += pca(mean, shape_columns, shape_eigenvalues, triangles, 'eigen')
v3 += pca(color_mean, color_columns, color_eigenvalues, triangles, 'eigen')
v3 += boolean(False) + i32(0) + pca(exp_mean, exp_columns, exp_eigenvalues, triangles, 'eigen')
v3 += boolean(True)                                             # landmark definitions: nullopt
v3 += u64(0)                                                    # no texture coordinates
write('model_v3_pca.bin', v3)

# Version 1: shape only (empty colour model), per-vertex texture coordinates.
v1 = u32(1)
v1 += pca(mean, shape_columns, shape_eigenvalues, triangles, 'eigen')
v1 += pca([], [], [], [], 'eigen')
v1 += uv_bytes()
write('sfm_shape_v1.bin', v1)

# Version 1 with the older five-field PcaModel (mean, rescaled, orthonormal, eigenvalues, triangles).
v1f = u32(1)
v1f += pca(mean, shape_columns, shape_eigenvalues, triangles, 'eigen5')
v1f += pca(color_mean, color_columns, color_eigenvalues, triangles, 'eigen5')
v1f += u64(0)
write('model_v1_fivefield.bin', v1f)

# Version 0: OpenCV matrices, vector<cv::Vec2f> texture coordinates.
v0 = u32(0)
v0 += pca(mean, shape_columns, shape_eigenvalues, triangles, 'opencv')
v0 += pca([], [], [], [], 'opencv')
v0 += u64(len(uv)) + b''.join(floats(list(t)) for t in uv)
write('model_v0_opencv.bin', v0)

with open(os.path.join(out, 'ibug_to_sfm.txt'), 'w') as f:
    f.write('''# Mapping from the 68-point ibug annotations to the test model's vertex indices.
# This file uses TOML syntax.

[landmark_mappings]
            # 1 to 8 are the right contour landmarks
 9 =     5  # chin bottom
31 =     2  # nose-tip
37 =     0  # right eye outer-corner
46 =     1  # left eye outer-corner

# Definitions of which 2D landmarks make up the right and left face contours:
[contour_landmarks]
right = [  1,
           2,
           3, 4, 5, 6, 7,
           8
        ]
left  = [ 10, 11, 12, 13, 14, 15, 16, 17 ]
''')

with open(os.path.join(out, 'ibug_to_sfm_info.txt'), 'w') as f:
    f.write('''; The older Boost INFO form.
landmarkMappings ; A mapping from input landmarks (ibug, lhs) to output landmarks (rhs)
{
\t 9     5 ; chin bottom
\t31     2 ; nose-tip
\t37     0 ; right eye outer-corner
\t46     1 ; left eye outer-corner
}
''')

with open(os.path.join(out, 'contours.json'), 'w') as f:
    json.dump({'model_contour': {'right_contour': [0, 3], 'left_contour': [1, 4]}}, f, indent=4)

# What eos-py's save_model writes for MorphableModel(shape, blendshapes, color_model=PcaModel(),
# vertex_definitions=None, texture_coordinates=uv): version 4, an empty colour model, the
# blendshapes as the expression model, no landmark definitions, no texture triangles.
combined = u32(4)
combined += pca(mean, shape_columns, shape_eigenvalues, triangles, 'eigen')
combined += pca([], [], [], [], 'eigen')
combined += boolean(False) + i32(1) + u64(len(blendshapes))
for name, d in blendshapes:
    combined += string(name) + eigen(M, 1, d)
combined += boolean(True)                                       # landmark definitions: nullopt
combined += uv_bytes()
combined += u64(0)                                              # texture_triangle_indices: none
write('model_v4_combined.bin', combined)

# eos's blendshapes file (load_blendshapes): a cereal std::vector<Blendshape>, no class version.
def blendshape_file(shapes, matrix='eigen'):
    b = u64(len(shapes))
    for name, d in shapes:
        b += string(name)
        b += eigen(len(d), 1, d) if matrix == 'eigen' else cvmat(len(d), 1, d)
    return b

write('blendshapes.bin', blendshape_file(blendshapes))
write('blendshapes_opencv.bin', blendshape_file(blendshapes, 'opencv'))   # the OpenCV-era form
write('blendshapes_wrong_size.bin', blendshape_file([blendshapes[0], ('smile', [0.5] * (M - 3))]))
write('blendshapes_empty.bin', u64(0))

# A square pyramid without its base: apex 0 at +z, base 1-4 counter-clockwise seen from +z, four
# triangles counter-clockwise seen from outside: four edges between two triangles, four on the open
# boundary. Shape-only, version 4 (as eos-py's save_model writes a model without expressions).
pyramid = [(0, 0, 20), (10, -10, 0), (10, 10, 0), (-10, 10, 0), (-10, -10, 0)]
pyramid_mean = [float(c) for p in pyramid for c in p]
pyramid_triangles = [(0, 1, 2), (0, 2, 3), (0, 3, 4), (0, 4, 1)]
pm = len(pyramid_mean)
pyramid_columns = [[1.0 if i == 0 else 0.0 for i in range(pm)]]
pv4 = u32(4)
pv4 += pca(pyramid_mean, pyramid_columns, [1.0], pyramid_triangles, 'eigen')
pv4 += pca([], [], [], [], 'eigen')
pv4 += boolean(True) + boolean(True) + u64(0) + u64(0)          # no expressions, definitions, uv, uv triangles
write('pyramid_v4.bin', pv4)

# eos's edge topology JSON (cereal JSONOutputArchive of EdgeTopology): 1-based indices, 0 = no face,
# first; each std::array<int, 2> as {"value0": ..., "value1": ...}.
def edge_topology(tris):
    faces = {}
    for t, (a, b, c) in enumerate(tris):
        for u, v in ((a, b), (b, c), (c, a)):
            faces.setdefault((min(u, v), max(u, v)), []).append(t + 1)
    edges = sorted(faces)[::-1]                                 # some order other than the mesh's
    adjacent_faces = [sorted(faces[e]) if len(faces[e]) == 2 else [0, faces[e][0]] for e in edges]
    adjacent_vertices = [[e[0] + 1, e[1] + 1] for e in edges]
    return adjacent_faces, adjacent_vertices

def write_topology(name, adjacent_faces, adjacent_vertices, form='object'):
    pair = (lambda p: {'value0': p[0], 'value1': p[1]}) if form == 'object' else list
    with open(os.path.join(out, name), 'w') as f:
        json.dump({'edge_topology': {'adjacent_faces': [pair(p) for p in adjacent_faces],
                                     'adjacent_vertices': [pair(p) for p in adjacent_vertices]}}, f, indent=4)

pf, pvx = edge_topology(pyramid_triangles)
write_topology('pyramid_edge_topology.json', pf, pvx)
write_topology('pyramid_edge_topology_arrays.json', pf, pvx, form='array')
other = [list(p) for p in pf]
interior = next(i for i, p in enumerate(other) if p[0] != 0)
other[interior] = [other[interior][0], next(t for t in range(1, 5) if t not in pf[interior])]  # a wrong second face
write_topology('pyramid_edge_topology_other_faces.json', other, pvx)
write_topology('pyramid_edge_topology_missing.json', pf[1:], pvx[1:])
foreign = [list(v) for v in pvx]
foreign[0] = [2, 4]                                             # base diagonal 1-3 (0-based): no edge of the mesh
write_topology('pyramid_edge_topology_foreign.json', pf, foreign)
boundary = next(i for i, p in enumerate(pf) if p[0] == 0)
second_zero = [list(p) for p in pf]
second_zero[boundary] = [pf[boundary][1], 0]
write_topology('pyramid_edge_topology_zero_second.json', second_zero, pvx)
ef, evx = edge_topology(triangles)
write_topology('edge_topology.json', ef, evx)

with open(os.path.join(out, 'expected.json'), 'w') as f:
    json.dump({
        'pyramid_edge_topology': {'faces': pf, 'vertices': pvx, 'other_faces_entry': interior, 'zero_second_entry': boundary},
        'mean': mean, 'triangles': triangles,
        'shape_columns': shape_columns, 'shape_eigenvalues': shape_eigenvalues,
        'blendshape_names': [n for n, _ in blendshapes], 'blendshapes': [d for _, d in blendshapes],
        'exp_mean': exp_mean, 'exp_columns': exp_columns, 'exp_eigenvalues': exp_eigenvalues,
        'uv': uv,
    }, f)
"""#

    /// Writes a FLAME-layout model (8 vertices in metres, 4 triangles, 6 blend shapes, 5 joints):
    /// - `flame.npz` with v_template, shapedirs (8×3×6), f (uint32), posedirs, J_regressor (5×8),
    ///   weights (8×5), kintree_table, plus FLAME's string entries;
    /// - `flame104.npz`: the same with 104 blend shapes (for the default 100-expression split);
    /// - `embedding_full.npz`: DECA-style 68-landmark embedding (1×68 faces, 1×68×3 coordinates)
    ///   with dynamic contour arrays; `embedding_51.npz`: the 51 inner landmarks only;
    /// - broken variants: `flame_no_shapedirs.npz`, `flame_bad_f.npz`, `flame_face_index.npz`,
    ///   `flame_mm.npz` (template in mm), `flame_mirrored.npz` (x flipped), `embedding.npy`.
    static let flameScript = #"""
import json, os, sys
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
v = np.array([(-0.03, 0.03, 0.0), (0.03, 0.03, 0.0), (0.0, 0.0, 0.03), (-0.02, -0.03, 0.01),
              (0.02, -0.03, 0.01), (0.0, -0.06, 0.02), (-0.07, 0.0, -0.05), (0.07, 0.0, -0.05)])
f = np.array([(0, 3, 2), (1, 2, 4), (3, 5, 4), (6, 0, 7)], dtype=np.uint32)
shapedirs = rng.normal(0, 1e-3, size=(8, 3, 6))
posedirs = np.zeros((8, 3, 36))
J = np.zeros((5, 8))
J[0, :] = 1 / 8
J[1, [3, 4]] = 0.5
J[2, [3, 4, 5]] = [0.25, 0.25, 0.5]
J[3, 1] = 1
J[4, 0] = 1
weights = np.zeros((8, 5))
weights[[0, 1, 2, 6, 7], 1] = 1
weights[[3, 4], 1] = 0.4
weights[[3, 4], 2] = 0.6
weights[5, 2] = 1
kintree = np.array([[4294967295, 0, 1, 1, 1], [0, 1, 2, 3, 4]], dtype=np.int64)

def model(**overrides):
    d = dict(v_template=v, shapedirs=shapedirs, f=f, posedirs=posedirs, J_regressor=J, weights=weights,
             kintree_table=kintree, bs_style=np.array('lbs'), bs_type=np.array('lrotmin'))
    d.update(overrides)
    return {k: x for k, x in d.items() if x is not None}

np.savez(os.path.join(out, 'flame.npz'), **model())
np.savez(os.path.join(out, 'flame104.npz'), **model(shapedirs=rng.normal(0, 1e-3, size=(8, 3, 104))))
np.savez(os.path.join(out, 'flame_no_shapedirs.npz'), **model(shapedirs=None))
np.savez(os.path.join(out, 'flame_bad_f.npz'), **model(f=np.zeros((4, 4), dtype=np.uint32)))
np.savez(os.path.join(out, 'flame_face_index.npz'), **model(f=np.array([(0, 3, 2), (1, 2, 4), (3, 5, 4), (6, 0, 99)], dtype=np.uint32)))
np.savez(os.path.join(out, 'flame_mm.npz'), **model(v_template=v * 1000))
np.savez(os.path.join(out, 'flame_mirrored.npz'), **model(v_template=v * np.array([-1, 1, 1])))

# Landmarks: 36 on v0, 45 on v1, 30 (nose tip) on v2, 8 (chin) on v5; the rest at face 0's centroid.
faces = np.zeros(68, dtype=np.int64)
bary = np.full((68, 3), 1 / 3)
for lmk, face, b in [(36, 0, (1, 0, 0)), (45, 1, (1, 0, 0)), (30, 0, (0, 0, 1)), (8, 2, (0, 1, 0)),
                     (27, 1, (0, 0.5, 0.5))]:
    faces[lmk] = face
    bary[lmk] = b
dynamic_faces = np.zeros((3, 17), dtype=np.int64)
dynamic_bary = np.zeros((3, 17, 3))
dynamic_faces[:, :] = [[2], [2], [0]]
dynamic_bary[0, :, :] = (0, 1, 0)    # v5
dynamic_bary[1, :, :] = (1, 0, 0)    # v3
dynamic_bary[2, :, :] = (0, 1, 0)    # v3 again (face 0 corner 1)
np.savez(os.path.join(out, 'embedding_full.npz'), full_lmk_faces_idx=faces[None, :], full_lmk_b_coords=bary[None, :, :],
         lmk_faces_idx=faces[17:], lmk_b_coords=bary[17:],
         dynamic_lmk_faces_idx=dynamic_faces, dynamic_lmk_bary_coords=dynamic_bary)
np.savez(os.path.join(out, 'embedding_51.npz'), lmk_faces_idx=faces[17:], lmk_b_coords=bary[17:])
np.save(os.path.join(out, 'embedding.npy'), faces)

with open(os.path.join(out, 'expected.json'), 'w') as fp:
    json.dump({'v_template': v.tolist(), 'f': f.tolist(), 'shapedirs': shapedirs.tolist(),
               'J_regressor': J.tolist(), 'weights': weights.tolist(),
               'landmark_faces': faces.tolist(), 'landmark_bary': bary.tolist()}, fp)
"""#
}
