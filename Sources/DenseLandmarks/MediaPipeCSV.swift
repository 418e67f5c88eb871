import FaceAtlasCore
import Foundation

/// Writes dense landmarks in the MediaPipe CSV layout that FaceAtlas's readers take (`frame,time,x0,y0,z0,…`):
/// coordinates normalized by the image width and height as MediaPipe returns them (z by the width), the image
/// size in `image_width,image_height`, then `valid`, `face_score` and `detection_score`. A frame without a face
/// has empty coordinates.
public enum MediaPipeCSV {
    /// One frame to write.
    public struct Row: Sendable {
        public var frame: Int
        public var time: Double
        public var result: MediaPipeFaceTracker.Frame
        public var imageSize: SIMD2<Int>

        public init(frame: Int, time: Double, result: MediaPipeFaceTracker.Frame, imageSize: SIMD2<Int>) {
            self.frame = frame
            self.time = time
            self.result = result
            self.imageSize = imageSize
        }
    }

    /// The CSV text of `rows` with `points` landmarks per frame (default: as many as the first frame with a
    /// face has, 478 with refined eyes, else 468).
    public static func text(_ rows: [Row], points: Int? = nil) -> String {
        let points = points ?? rows.lazy.compactMap { $0.result.points?.count }.first ?? 468
        var header = ["frame", "time"]
        for k in 0..<points { header += ["x\(k)", "y\(k)", "z\(k)"] }
        header += ["image_width", "image_height", "valid", "face_score", "detection_score"]
        var lines = [header.joined(separator: ",")]
        for row in rows {
            var fields = [String(row.frame), String(format: "%.6f", row.time)]
            let (w, h) = (Double(row.imageSize.x), Double(row.imageSize.y))
            if let p = row.result.points, p.count >= points {
                for q in p.prefix(points) { fields += [String(format: "%.6f", q.x / w), String(format: "%.6f", q.y / h), String(format: "%.6f", q.z / w)] }
            } else {
                fields += [String](repeating: "", count: 3 * points)
            }
            fields += [String(row.imageSize.x), String(row.imageSize.y), row.result.points == nil ? "0" : "1",
                       String(format: "%.4f", row.result.faceScore), row.result.detectionScore.map { String(format: "%.4f", $0) } ?? ""]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `rows` to `url` (beside it first, then renamed into place).
    public static func write(_ rows: [Row], to url: URL) throws {
        try AtomicFile.write(Data(text(rows).utf8), to: url)
    }
}
