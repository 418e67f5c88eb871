import Foundation
import Imaging
import Mesh
@testable import Render

/// Meshes for the renderer tests, all counter-clockwise from outside.
enum TestMeshes {
    /// A UV sphere of `radius` centred at `centre`, with UVs (u around, v up).
    static func uvSphere(radius: Float, centre: SIMD3<Float> = .zero, segments: Int = 64, rings: Int = 32) -> TriangleMesh {
        var positions: [SIMD3<Float>] = [], uvs: [SIMD2<Float>] = [], triangles: [SIMD3<UInt32>] = []
        // Vertices on a (segments + 1) × (rings + 1) grid, so that UVs need no seam handling.
        for r in 0...rings {
            let v = Float(r) / Float(rings)
            let theta = Float.pi * (1 - v)  // 0 at the north pole (top)
            for s in 0...segments {
                let u = Float(s) / Float(segments)
                let phi = 2 * Float.pi * u
                positions.append(centre + radius * SIMD3(sin(theta) * sin(phi), cos(theta), sin(theta) * cos(phi)))
                uvs.append(SIMD2(u, 1 - v))
            }
        }
        let row = segments + 1
        for r in 0..<rings {
            for s in 0..<segments {
                let a = UInt32(r * row + s), b = UInt32(r * row + s + 1)
                let c = UInt32((r + 1) * row + s), d = UInt32((r + 1) * row + s + 1)
                if r != 0 { triangles.append(SIMD3(a, c, b)) }
                if r != rings - 1 { triangles.append(SIMD3(b, c, d)) }
            }
        }
        return TriangleMesh(positions: positions, triangles: triangles, uvs: uvs, uvTriangles: triangles)
    }

    /// An icosphere: an icosahedron subdivided `level` times and pushed onto the sphere.
    static func icosphere(radius: Float, level: Int) -> TriangleMesh {
        let t: Float = (1 + Float(5).squareRoot()) / 2
        var positions: [SIMD3<Float>] = [
            SIMD3(-1, t, 0), SIMD3(1, t, 0), SIMD3(-1, -t, 0), SIMD3(1, -t, 0),
            SIMD3(0, -1, t), SIMD3(0, 1, t), SIMD3(0, -1, -t), SIMD3(0, 1, -t),
            SIMD3(t, 0, -1), SIMD3(t, 0, 1), SIMD3(-t, 0, -1), SIMD3(-t, 0, 1),
        ].map { simd_normalize($0) }
        var faces: [SIMD3<UInt32>] = [
            SIMD3(0, 11, 5), SIMD3(0, 5, 1), SIMD3(0, 1, 7), SIMD3(0, 7, 10), SIMD3(0, 10, 11),
            SIMD3(1, 5, 9), SIMD3(5, 11, 4), SIMD3(11, 10, 2), SIMD3(10, 7, 6), SIMD3(7, 1, 8),
            SIMD3(3, 9, 4), SIMD3(3, 4, 2), SIMD3(3, 2, 6), SIMD3(3, 6, 8), SIMD3(3, 8, 9),
            SIMD3(4, 9, 5), SIMD3(2, 4, 11), SIMD3(6, 2, 10), SIMD3(8, 6, 7), SIMD3(9, 8, 1),
        ]
        for _ in 0..<level {
            var midpoints: [UInt64: UInt32] = [:]
            func midpoint(_ a: UInt32, _ b: UInt32) -> UInt32 {
                let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
                if let m = midpoints[key] { return m }
                positions.append(simd_normalize((positions[Int(a)] + positions[Int(b)]) / 2))
                let m = UInt32(positions.count - 1)
                midpoints[key] = m
                return m
            }
            faces = faces.flatMap { f -> [SIMD3<UInt32>] in
                let ab = midpoint(f.x, f.y), bc = midpoint(f.y, f.z), ca = midpoint(f.z, f.x)
                return [SIMD3(f.x, ab, ca), SIMD3(f.y, bc, ab), SIMD3(f.z, ca, bc), SIMD3(ab, bc, ca)]
            }
        }
        return TriangleMesh(positions: positions.map { $0 * radius }, triangles: faces)
    }

    /// An axis-aligned box with the given full size, centred at `centre`.
    static func box(size: SIMD3<Float>, centre: SIMD3<Float> = .zero) -> TriangleMesh {
        let h = size / 2
        var positions: [SIMD3<Float>] = []
        for i in 0..<8 {
            positions.append(centre + SIMD3(i & 1 == 0 ? -h.x : h.x, i & 2 == 0 ? -h.y : h.y, i & 4 == 0 ? -h.z : h.z))
        }
        // Each face as a quad (a, b, c, d) counter-clockwise from outside.
        let quads: [(UInt32, UInt32, UInt32, UInt32)] = [
            (0, 4, 6, 2), (1, 3, 7, 5),  // -x, +x
            (0, 1, 5, 4), (2, 6, 7, 3),  // -y, +y
            (0, 2, 3, 1), (4, 5, 7, 6),  // -z, +z
        ]
        let triangles = quads.flatMap { q in [SIMD3(q.0, q.1, q.2), SIMD3(q.0, q.2, q.3)] }
        return TriangleMesh(positions: positions, triangles: triangles)
    }

    /// A rectangle in the plane z = `z`, facing +z, spanning [x0, x1] × [y0, y1], with UVs (0…1).
    static func quad(x0: Float, x1: Float, y0: Float, y1: Float, z: Float) -> TriangleMesh {
        TriangleMesh(
            positions: [SIMD3(x0, y0, z), SIMD3(x1, y0, z), SIMD3(x1, y1, z), SIMD3(x0, y1, z)],
            triangles: [SIMD3(0, 1, 2), SIMD3(0, 2, 3)],
            uvs: [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)],
            uvTriangles: [SIMD3(0, 1, 2), SIMD3(0, 2, 3)])
    }

    /// A rough head for timing and looking at renders: an ellipsoid 150 mm wide with a nose,
    /// eye sockets and lips on the +z side, about `2 * segments * (rings - 1)` triangles.
    /// The UV seam runs down the back of the head.
    static func faceLike(segments: Int = 100, rings: Int = 51) -> TriangleMesh {
        var positions: [SIMD3<Float>] = [], triangles: [SIMD3<UInt32>] = []
        for r in 0...rings {
            let theta = Float.pi * Float(r) / Float(rings)
            for s in 0...segments {
                let phi = Float.pi + 2 * Float.pi * Float(s) / Float(segments)
                var p = SIMD3<Float>(75 * sin(theta) * sin(phi), 100 * cos(theta), 90 * sin(theta) * cos(phi))
                if p.z > 0 {
                    p.z += 28 * exp(-(p.x * p.x / 200 + (p.y + 5) * (p.y + 5) / 700))
                    for eye: Float in [-32, 32] {
                        p.z -= 10 * exp(-((p.x - eye) * (p.x - eye) + (p.y - 22) * (p.y - 22)) / 150)
                    }
                    p.z += 6 * exp(-(p.x * p.x / 300 + (p.y + 45) * (p.y + 45) / 30))
                }
                positions.append(p)
            }
        }
        let row = segments + 1
        for r in 0..<rings {
            for s in 0..<segments {
                let a = UInt32(r * row + s), b = a + 1, c = UInt32((r + 1) * row + s), d = c + 1
                if r != 0 { triangles.append(SIMD3(a, c, b)) }
                if r != rings - 1 { triangles.append(SIMD3(b, c, d)) }
            }
        }
        return TriangleMesh(positions: positions, triangles: triangles)
    }

    /// Joins meshes into one (parts are not kept).
    static func merged(_ meshes: [TriangleMesh]) -> TriangleMesh {
        var out = TriangleMesh(positions: [], triangles: [])
        for m in meshes {
            let offset = UInt32(out.positions.count)
            out.positions += m.positions
            out.triangles += m.triangles.map { $0 &+ SIMD3(repeating: offset) }
            out.colors += m.colors.isEmpty ? [SIMD3<Float>](repeating: SIMD3(1, 1, 1), count: m.positions.count) : m.colors
        }
        return out
    }

    /// `mesh` with every vertex coloured `color`.
    static func colored(_ mesh: TriangleMesh, _ color: SIMD3<Float>) -> TriangleMesh {
        var m = mesh
        m.colors = [SIMD3<Float>](repeating: color, count: mesh.positions.count)
        return m
    }
}

/// Settings that make test images easy to reason about: one light from the camera, no
/// ambient, matte white material, black background.
func plainSettings(size: Int = 128, supersampling: Int = 2) -> RenderSettings {
    var settings = RenderSettings(width: size, height: size, supersampling: supersampling)
    settings.lights = [Light.headlight]
    settings.ambient = 0
    settings.background = .zero
    settings.defaultMaterial = Material(baseColor: SIMD3(1, 1, 1), specular: 0, shininess: 1)
    settings.partMaterials = [:]
    return settings
}

extension Image {
    /// The RGB triple at (x, y).
    func rgb(_ x: Int, _ y: Int) -> SIMD3<Int> {
        SIMD3(Int(self[x, y, 0]), Int(self[x, y, 1]), Int(self[x, y, 2]))
    }

    /// The number of pixels that differ from `color`.
    func count(notEqualTo color: SIMD3<Int>) -> Int {
        var n = 0
        for y in 0..<height { for x in 0..<width where rgb(x, y) != color { n += 1 } }
        return n
    }

    /// The width of the columns holding pixels different from `color`.
    func silhouetteWidth(background color: SIMD3<Int>) -> Int {
        var lo = width, hi = -1
        for y in 0..<height { for x in 0..<width where rgb(x, y) != color { lo = min(lo, x); hi = max(hi, x) } }
        return hi >= lo ? hi - lo + 1 : 0
    }
}
