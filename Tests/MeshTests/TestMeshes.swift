import Foundation
import Mesh

/// Small meshes made for the tests.
enum TestMeshes {
    /// A UV sphere of `radius` mm with a UV seam at u = 0/1 and separate UVs at the poles,
    /// per-vertex colours, normals, and two parts: "skin" (z ≥ 0) and "eyes" (z < 0).
    static func sphere(rings: Int = 6, segments: Int = 8, radius: Float = 100) -> TriangleMesh {
        var positions: [SIMD3<Float>] = [SIMD3(0, 0, radius)]  // north pole
        for r in 1..<rings {
            let theta = Float.pi * Float(r) / Float(rings)
            for s in 0..<segments {
                let phi = 2 * Float.pi * Float(s) / Float(segments)
                positions.append(SIMD3(radius * sin(theta) * cos(phi), radius * sin(theta) * sin(phi), radius * cos(theta)))
            }
        }
        positions.append(SIMD3(0, 0, -radius))  // south pole
        let south = UInt32(positions.count - 1)
        func ring(_ r: Int, _ s: Int) -> UInt32 { UInt32(1 + (r - 1) * segments + s % segments) }

        // UVs: (segments + 1) per inner ring, so u = 1 duplicates u = 0 (the seam); one per pole triangle.
        var uvs: [SIMD2<Float>] = []
        func uvRing(_ r: Int, _ s: Int) -> UInt32 { UInt32((r - 1) * (segments + 1) + s) }
        for r in 1..<rings {
            for s in 0...segments { uvs.append(SIMD2(Float(s) / Float(segments), 1 - Float(r) / Float(rings))) }
        }
        var triangles: [SIMD3<UInt32>] = [], uvTriangles: [SIMD3<UInt32>] = []
        for s in 0..<segments {
            let northUV = UInt32(uvs.count)
            uvs.append(SIMD2((Float(s) + 0.5) / Float(segments), 1))
            triangles.append(SIMD3(0, ring(1, s), ring(1, s + 1)))
            uvTriangles.append(SIMD3(northUV, uvRing(1, s), uvRing(1, s + 1)))
        }
        for r in 1..<(rings - 1) {
            for s in 0..<segments {
                let a = ring(r, s), b = ring(r + 1, s), c = ring(r + 1, s + 1), d = ring(r, s + 1)
                let ua = uvRing(r, s), ub = uvRing(r + 1, s), uc = uvRing(r + 1, s + 1), ud = uvRing(r, s + 1)
                triangles.append(SIMD3(a, b, c)); uvTriangles.append(SIMD3(ua, ub, uc))
                triangles.append(SIMD3(a, c, d)); uvTriangles.append(SIMD3(ua, uc, ud))
            }
        }
        for s in 0..<segments {
            let southUV = UInt32(uvs.count)
            uvs.append(SIMD2((Float(s) + 0.5) / Float(segments), 0))
            triangles.append(SIMD3(ring(rings - 1, s), south, ring(rings - 1, s + 1)))
            uvTriangles.append(SIMD3(uvRing(rings - 1, s), southUV, uvRing(rings - 1, s + 1)))
        }
        let colors = positions.map { p in (p / radius + 1) / 2 }
        let parts: [UInt8] = triangles.map { t in
            let z = (positions[Int(t.x)].z + positions[Int(t.y)].z + positions[Int(t.z)].z) / 3
            return z >= 0 ? 0 : 1
        }
        let mesh = TriangleMesh(
            positions: positions, triangles: triangles, uvs: uvs, uvTriangles: uvTriangles, colors: colors,
            triangleParts: parts, partNames: ["skin", "eyes"])
        return mesh.withNormals()
    }

    /// A strip of `columns` × `rows` quads in the xy plane, `step` mm apart, split into triangles.
    static func grid(columns: Int, rows: Int, step: Float = 1) -> TriangleMesh {
        var positions: [SIMD3<Float>] = []
        for j in 0...rows {
            for i in 0...columns { positions.append(SIMD3(Float(i) * step, Float(j) * step, 0)) }
        }
        func v(_ i: Int, _ j: Int) -> UInt32 { UInt32(j * (columns + 1) + i) }
        var triangles: [SIMD3<UInt32>] = []
        for j in 0..<rows {
            for i in 0..<columns {
                triangles.append(SIMD3(v(i, j), v(i + 1, j), v(i + 1, j + 1)))
                triangles.append(SIMD3(v(i, j), v(i + 1, j + 1), v(i, j + 1)))
            }
        }
        return TriangleMesh(positions: positions, triangles: triangles)
    }
}

/// A fresh, empty folder under the system's temporary folder; remove it when done.
func makeScratchFolder(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("faceatlas-meshtests-\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
