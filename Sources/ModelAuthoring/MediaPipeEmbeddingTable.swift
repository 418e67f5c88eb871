import FaceAtlasCore
import FaceModel
import Foundation
import Mesh

/// MediaPipe Face Mesh's 468 points on the default model (`Templates/mediapipe-embedding.csv`): per
/// point, the three vertices of its triangle, its barycentric coordinates and its calibration spread (mm).
///
/// Written by `faceatlas model calibrate-mediapipe` (its header comments record how); columns
/// `point,v0,v1,v2,b0,b1,b2,spread_mm,observations`. Triangles are named by their vertices, not their
/// index, so the table survives a change in triangle order. Points not listed are not embedded.
public struct MediaPipeEmbeddingTable: Sendable {
    /// The file's name in `Templates/`.
    public static let fileName = "mediapipe-embedding.csv"
    /// The number of Face Mesh points.
    public static let pointCount = 468

    /// One embedded point.
    public struct Entry: Sendable, Equatable {
        public var vertices: SIMD3<Int32>
        public var barycentric: SIMD3<Float>
        public var spread: Float
        public var observations: Int
        public init(vertices: SIMD3<Int32>, barycentric: SIMD3<Float>, spread: Float, observations: Int) {
            self.vertices = vertices
            self.barycentric = barycentric
            self.spread = spread
            self.observations = observations
        }
    }

    /// One entry per point (nil: not embedded).
    public var entries: [Entry?]

    /// Creates a table from entries (468).
    public init(entries: [Entry?]) {
        precondition(entries.count == Self.pointCount)
        self.entries = entries
    }

    /// Reads the table at `url`.
    /// - Throws: `FileError` naming the file and the row for a bad row.
    public init(url: URL) throws {
        let table = try DefinitionTable(url: url)
        var entries = [Entry?](repeating: nil, count: Self.pointCount)
        for (k, row) in table.rows.enumerated() {
            func int(_ key: String) -> Int? { Int(row[key] ?? "") }
            func float(_ key: String) -> Float? { Float(row[key] ?? "").flatMap { $0.isFinite ? $0 : nil } }
            guard let i = int("point"), (0..<Self.pointCount).contains(i),
                  let v0 = int("v0"), let v1 = int("v1"), let v2 = int("v2"),
                  let b0 = float("b0"), let b1 = float("b1"), let b2 = float("b2"),
                  let spread = float("spread_mm"), spread >= 0, let n = int("observations") else {
                throw FileError(table.source, "row \(k + 1) is not 'point,v0,v1,v2,b0,b1,b2,spread_mm,observations' with a point 0–467")
            }
            let b = SIMD3(b0, b1, b2)
            guard b.min() >= -1e-4, abs(b.sum() - 1) < 1e-3 else {
                throw FileError(table.source, "row \(k + 1): barycentric coordinates \(b0), \(b1), \(b2) are not a point of the triangle")
            }
            entries[i] = Entry(vertices: SIMD3(Int32(v0), Int32(v1), Int32(v2)), barycentric: b / b.sum(), spread: spread, observations: n)
        }
        self.entries = entries
    }

    /// The embedding on `mesh`, whose triangles must include every listed vertex triple.
    /// - Throws: `FileError` naming `source` when a triple is not a triangle of the mesh.
    public func embedding(on mesh: TriangleMesh, source: String) throws -> SurfacePointEmbedding {
        var triangleOf: [SIMD3<Int32>: Int] = [:]
        for (t, f) in mesh.triangles.enumerated() { triangleOf[SIMD3(Int32(f.x), Int32(f.y), Int32(f.z))] = t }
        var triangles: [Int32] = [], barycentric: [SIMD3<Float>] = [], spread: [Float] = []
        for (i, entry) in entries.enumerated() {
            guard let entry else { triangles.append(-1); barycentric.append(.zero); spread.append(0); continue }
            guard let t = triangleOf[entry.vertices] else {
                throw FileError(source, "point \(i): vertices \(entry.vertices.x), \(entry.vertices.y), \(entry.vertices.z) are not a triangle of the model: recalibrate with 'faceatlas model calibrate-mediapipe'")
            }
            triangles.append(Int32(t)); barycentric.append(entry.barycentric); spread.append(entry.spread)
        }
        return SurfacePointEmbedding(triangles: triangles, barycentric: barycentric, spread: spread)
    }

    /// The file's text: `header` lines as comments, then one row per embedded point.
    public func csv(header: [String]) -> String {
        var lines = header.map { "# " + $0 }
        lines.append("point,v0,v1,v2,b0,b1,b2,spread_mm,observations")
        for (i, e) in entries.enumerated() {
            guard let e else { continue }
            lines.append(String(format: "%d,%d,%d,%d,%.5f,%.5f,%.5f,%.3f,%d", i, e.vertices.x, e.vertices.y, e.vertices.z,
                                e.barycentric.x, e.barycentric.y, e.barycentric.z, e.spread, e.observations))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
