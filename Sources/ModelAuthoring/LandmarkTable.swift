import FaceAtlasCore
import FaceModel
import Foundation

/// Reads the authored landmark embedding (`Templates/landmarks.csv`) and jawline contour
/// bands (`Templates/contour.csv`), written in base-mesh vertex numbers, onto the face cut.
enum LandmarkTable {
    static func embedding(landmarks: DefinitionTable, contour: DefinitionTable, cut: FaceCut) throws -> LandmarkEmbedding {
        var triangles = [Int32](repeating: -1, count: LandmarkEmbedding.count)
        var bary = [SIMD3<Float>](repeating: .zero, count: LandmarkEmbedding.count)
        for row in landmarks.rows {
            guard let i = Int(row["landmark"] ?? ""), (0..<68).contains(i),
                  let a = Int(row["a"] ?? ""), let b = Int(row["b"] ?? ""), let c = Int(row["c"] ?? ""),
                  let wa = Float(row["wa"] ?? ""), let wb = Float(row["wb"] ?? ""), let wc = Float(row["wc"] ?? "") else {
                throw FileError(landmarks.source, "bad row \(row)")
            }
            let corners = [a, b, c].map { $0 < cut.modelIndex.count ? cut.modelIndex[$0] : -1 }
            guard corners.allSatisfy({ $0 >= 0 }) else {
                throw FileError(landmarks.source, "landmark \(i) lies on vertices outside the face cut", at: "landmark \(i)")
            }
            let t: Int?
            if a == b && b == c {
                t = cut.mesh.triangles.firstIndex { $0.x == UInt32(corners[0]) || $0.y == UInt32(corners[0]) || $0.z == UInt32(corners[0]) }
            } else {
                t = cut.triangleOfCorners[SIMD3<Int32>([a, b, c].map(Int32.init).sorted())]
            }
            guard let t else { throw FileError(landmarks.source, "landmark \(i): (\(a), \(b), \(c)) is not a triangle of the cut", at: "landmark \(i)") }
            let tri = cut.mesh.triangles[t]
            triangles[i] = Int32(t)
            if a == b && b == c {
                bary[i] = SIMD3((0..<3).map { tri[$0] == UInt32(corners[0]) ? 1 : 0 })
            } else {
                var sum: [Int: Float] = [:]
                for (v, w) in zip(corners, [wa, wb, wc]) { sum[v, default: 0] += w }
                bary[i] = SIMD3((0..<3).map { sum[Int(tri[$0])] ?? 0 })
            }
        }
        guard triangles.allSatisfy({ $0 >= 0 }) else { throw FileError(landmarks.source, "not all 68 landmarks are defined") }
        var bands = [[Int32]](repeating: [], count: 17)
        for row in contour.rows {
            guard let k = Int(row["landmark"] ?? ""), (0..<17).contains(k) else { throw FileError(contour.source, "bad row \(row)") }
            bands[k] = (row["vertices"] ?? "").split(separator: " ").compactMap { Int($0) }
                .compactMap { $0 < cut.modelIndex.count && cut.modelIndex[$0] >= 0 ? Int32(cut.modelIndex[$0]) : nil }
        }
        return LandmarkEmbedding(triangles: triangles, barycentric: bary, contourCandidates: bands)
    }
}
