import FaceModel
import Foundation
import Imaging
import Mesh

/// Authors the wrinkle displacement maps of the default model in its UV layout.
///
/// Each wrinkle-producing action unit gets a furrow pattern placed from the landmarks of the
/// neutral face (so it lands where the anatomy puts it), evaluated at the surface point of
/// every texel and written as a 16-bit greyscale PNG (32768 = no displacement; see `WrinkleMap`):
///
/// | AU | wrinkles | rule |
/// | --- | --- | --- |
/// | 1 | central horizontal forehead lines | 4 lines 8 mm apart from 10 mm above the brows, arched, central |
/// | 2 | lateral horizontal forehead lines | the same lines, lateral |
/// | 4 | vertical glabellar lines | a pair 3.5 mm either side of the midline, a fainter pair at 8 mm |
/// | 6 | crow's feet | 4 radial lines fanning from 4 mm lateral of the outer eye corners, 3–22 mm out |
/// | 7 | crow's feet (fainter) and lower-lid lines | as AU6 at 60 %, plus two arcs under the lower lid |
/// | 9 | nasal bridge ("bunny") lines | three oblique lines on the sides of the upper nose |
/// | 10, 12 | nasolabial fold | a furrow from beside the nose wing to beside the mouth corner, cheek bulge lateral |
/// | 17 | chin dimpling | band-limited bumps (2.5 mm) over the chin boss |
struct WrinkleAuthoring {
    static let resolution = 1024
    static let millimetresPerUnit: Float = 0.0001

    static let catalogue: [(au: Int, summary: String)] = [
        (1, "central horizontal forehead lines"), (2, "lateral horizontal forehead lines"),
        (4, "vertical glabellar lines"), (6, "crow's feet at the outer eye corners"),
        (7, "crow's feet and lower-lid lines"), (9, "nasal bridge lines"),
        (10, "nasolabial fold (upper part)"), (12, "nasolabial fold"), (17, "chin dimpling"),
    ]

    /// The maps for `mesh` (neutral, mm) with landmark positions `l`, on the skin part.
    static func maps(mesh: TriangleMesh, landmarks l: [SIMD3<Float>]) throws -> [WrinkleMap] {
        try catalogue.map { entry in
            let field = pattern(au: entry.au, landmarks: l)
            let image = rasterize(mesh: mesh, field: field)
            return WrinkleMap(actionUnit: entry.au, summary: entry.summary, millimetresPerUnit: millimetresPerUnit,
                              png: try PNG.encode(image))
        }
    }

    // MARK: Patterns (displacement in mm along the normal; negative = furrow)

    static func smoothstep(_ a: Float, _ b: Float, _ x: Float) -> Float {
        let t = min(max((x - a) / (b - a), 0), 1)
        return t * t * (3 - 2 * t)
    }
    static func window(_ x: Float, _ lo: Float, _ hi: Float, _ soft: Float) -> Float {
        smoothstep(lo - soft, lo + soft, x) * (1 - smoothstep(hi - soft, hi + soft, x))
    }
    static func furrow(_ d: Float, width: Float) -> Float { -exp(-(d / width) * (d / width)) }

    static func pattern(au: Int, landmarks l: [SIMD3<Float>]) -> (SIMD3<Float>) -> Float {
        let browY = (17...26).map { l[$0].y }.reduce(0, +) / 10
        let front = l[27].z - 35
        switch au {
        case 1, 2:
            return { p in
                guard p.z > front - 10 else { return 0 }
                var d = Float.infinity
                for k in 0..<4 {
                    let y = browY + 10 + 8 * Float(k) + 0.0015 * p.x * p.x
                    d = min(d, abs(p.y - y))
                }
                let vertical = window(p.y - browY, 6, 44, 4)
                let lateral = au == 1 ? exp(-(p.x / 26) * (p.x / 26))
                                      : (1 - exp(-(p.x / 20) * (p.x / 20))) * exp(-((abs(p.x) - 36) / 16) * ((abs(p.x) - 36) / 16))
                return 0.55 * furrow(d, width: 0.9) * vertical * lateral
            }
        case 4:
            let top = browY + 12, bottom = l[27].y - 2
            return { p in
                guard p.z > front else { return 0 }
                let pair = furrow(abs(abs(p.x) - 3.5), width: 0.8) * 0.6
                let faint = furrow(abs(abs(p.x) - 8), width: 0.7) * 0.3
                return (pair + faint) * window(p.y, bottom, top, 3)
            }
        case 6, 7:
            let gain: Float = au == 6 ? 1 : 0.6
            return { p in
                let corner = p.x > 0 ? l[45] : l[36]
                let side: Float = p.x > 0 ? 1 : -1
                let c = SIMD2(corner.x + 4 * side, corner.y)
                let q = SIMD2(p.x, p.y) - c
                let lateral = q.x * side
                guard lateral > 0, p.z > corner.z - 30 else { return 0 }
                let r = (q * q).sum().squareRoot()
                let theta = atan2(q.y, lateral)
                var d = Float.infinity
                for degrees: Float in [-35, -15, 5, 25] {
                    d = min(d, r * abs(sin(theta - degrees * .pi / 180)))
                }
                var value = gain * 0.45 * furrow(d, width: 0.7) * window(r, 3, 22, 2.5)
                if au == 7 {
                    let lower = p.x > 0 ? (l[46].y + l[47].y) / 2 : (l[40].y + l[41].y) / 2
                    let centerX = p.x > 0 ? (l[42].x + l[45].x) / 2 : (l[36].x + l[39].x) / 2
                    let dx = p.x - centerX
                    var arc = Float.infinity
                    for off: Float in [3, 5.5] { arc = min(arc, abs(p.y - (lower - off + 0.01 * dx * dx))) }
                    value += 0.25 * furrow(arc, width: 0.5) * exp(-(dx / 11) * (dx / 11))
                }
                return value
            }
        case 9:
            let y0 = l[28].y
            return { p in
                guard p.z > front else { return 0 }
                var d = Float.infinity
                for k in -1...1 { d = min(d, abs((p.y - y0 - 3 * Float(k)) - 0.35 * (abs(p.x) - 6))) }
                return 0.4 * furrow(d, width: 0.6) * window(abs(p.x), 2.5, 12, 1.5) * window(p.y - y0, -7, 7, 2)
            }
        case 10, 12:
            let gain: Float = au == 12 ? 1 : 0.6
            func curve(_ side: Float) -> [SIMD2<Float>] {
                let ala = side > 0 ? l[35] : l[31]
                let corner = side > 0 ? l[54] : l[48]
                let a = SIMD2(ala.x + 4 * side, ala.y + 2)
                let b = SIMD2(corner.x + 6 * side, corner.y - 8)
                let c = SIMD2(a.x + 7 * side, (a.y + b.y) / 2)
                return (0...24).map { i in
                    let t = Float(i) / 24
                    return (1 - t) * (1 - t) * a + 2 * (1 - t) * t * c + t * t * b
                }
            }
            let curves = [curve(-1), curve(1)]
            return { p in
                guard p.z > front - 15 else { return 0 }
                let side = p.x > 0 ? 1 : 0
                let q = SIMD2(p.x, p.y)
                var best = Float.infinity
                var lateralSign: Float = 0
                let poly = curves[side]
                for i in 0..<(poly.count - 1) {
                    let a = poly[i], b = poly[i + 1]
                    let ab = b - a
                    let t = min(max(((q - a) * ab).sum() / (ab * ab).sum(), 0), 1)
                    let d = ((q - a - t * ab) * (q - a - t * ab)).sum().squareRoot()
                    if d < best { best = d; lateralSign = ((q.x - (a.x + t * ab.x)) * (side == 1 ? 1 : -1)) > 0 ? 1 : -1 }
                }
                let fold = furrow(best, width: 1.5) * 1.0
                let bulge = lateralSign > 0 ? 0.4 * exp(-((best - 4) / 3) * ((best - 4) / 3)) : 0
                return gain * (fold + bulge)
            }
        case 17:
            let centre = SIMD2<Float>(0, (l[8].y + l[57].y) / 2)
            return { p in
                guard p.z > front - 10 else { return 0 }
                let q = (SIMD2(p.x, p.y) - centre) / SIMD2(18, 10)
                let inside = 1 - smoothstep(0.6, 1.0, (q * q).sum().squareRoot())
                guard inside > 0 else { return 0 }
                return 0.25 * valueNoise(p.x / 2.5, p.y / 2.5) * inside
            }
        default:
            return { _ in 0 }
        }
    }

    /// Smooth deterministic value noise in [-1, 1].
    static func valueNoise(_ x: Float, _ y: Float) -> Float {
        func hash(_ i: Int32, _ j: Int32) -> Float {
            var h = UInt32(bitPattern: i &* 374_761_393 &+ j &* 668_265_263)
            h = (h ^ (h >> 13)) &* 1_274_126_177
            return Float(h & 0xFFFF) / 32767.5 - 1
        }
        let xi = Int32(x.rounded(.down)), yi = Int32(y.rounded(.down))
        let fx = x - Float(xi), fy = y - Float(yi)
        let sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy)
        let a = hash(xi, yi), b = hash(xi + 1, yi), c = hash(xi, yi + 1), d = hash(xi + 1, yi + 1)
        return (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy
    }

    // MARK: UV rasterization

    /// Evaluates `field` at the surface point of every texel covered by a skin triangle, then grows
    /// the result 3 texels outward so that filtering across UV seams finds no gaps.
    static func rasterize(mesh: TriangleMesh, field: (SIMD3<Float>) -> Float) -> Image16 {
        let size = resolution
        var value = [Float](repeating: 0, count: size * size)
        var covered = [Bool](repeating: false, count: size * size)
        let skin = mesh.partNames.firstIndex(of: "skin").map(UInt8.init) ?? 0
        for (t, tri) in mesh.triangles.enumerated() where mesh.triangleParts.isEmpty || mesh.triangleParts[t] == skin {
            let ut = mesh.uvTriangles[t]
            let uv = [mesh.uvs[Int(ut.x)], mesh.uvs[Int(ut.y)], mesh.uvs[Int(ut.z)]].map { SIMD2($0.x * Float(size), (1 - $0.y) * Float(size)) }
            let p = [mesh.positions[Int(tri.x)], mesh.positions[Int(tri.y)], mesh.positions[Int(tri.z)]]
            let area = (uv[1].x - uv[0].x) * (uv[2].y - uv[0].y) - (uv[2].x - uv[0].x) * (uv[1].y - uv[0].y)
            guard abs(area) > 1e-9 else { continue }
            let x0 = max(Int(min(uv[0].x, uv[1].x, uv[2].x).rounded(.down)), 0)
            let x1 = min(Int(max(uv[0].x, uv[1].x, uv[2].x).rounded(.up)), size - 1)
            let y0 = max(Int(min(uv[0].y, uv[1].y, uv[2].y).rounded(.down)), 0)
            let y1 = min(Int(max(uv[0].y, uv[1].y, uv[2].y).rounded(.up)), size - 1)
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let q = SIMD2(Float(x) + 0.5, Float(y) + 0.5)
                    let w1 = ((q.x - uv[0].x) * (uv[2].y - uv[0].y) - (uv[2].x - uv[0].x) * (q.y - uv[0].y)) / area
                    let w2 = ((uv[1].x - uv[0].x) * (q.y - uv[0].y) - (q.x - uv[0].x) * (uv[1].y - uv[0].y)) / area
                    let w0 = 1 - w1 - w2
                    guard w0 >= -1e-4, w1 >= -1e-4, w2 >= -1e-4 else { continue }
                    let point = w0 * p[0] + w1 * p[1] + w2 * p[2]
                    value[y * size + x] = field(point)
                    covered[y * size + x] = true
                }
            }
        }
        for _ in 0..<3 {
            var grown = covered
            var next = value
            for y in 0..<size {
                for x in 0..<size where !covered[y * size + x] {
                    var sum: Float = 0, n: Float = 0
                    for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < size, ny < size, covered[ny * size + nx] else { continue }
                        sum += value[ny * size + nx]; n += 1
                    }
                    if n > 0 { next[y * size + x] = sum / n; grown[y * size + x] = true }
                }
            }
            value = next; covered = grown
        }
        var image = Image16(width: size, height: size, channels: 1, fill: 32768)
        for i in 0..<(size * size) {
            let s = (32768 + value[i] / millimetresPerUnit).rounded()
            image.samples[i] = UInt16(min(max(s, 0), 65535))
        }
        return image
    }
}
