import FaceAtlasCore
import Foundation
import Imaging
import TFLiteFormat
import TFLiteInference

/// 468 face-mesh points of one face, in image pixels (z: depth in the same pixel scale, smaller is nearer).
public struct FaceMeshResult: Sendable {
    /// The points, MediaPipe's canonical face-mesh order.
    public var points: [SIMD3<Double>]
    /// The model's face presence score, 0…1 (MediaPipe re-detects below 0.5).
    public var faceScore: Double
    /// The region the points were found in.
    public var region: FaceRegion

    /// The region MediaPipe follows the face into on the next frame: the points' box, level with the
    /// eye corners (points 33 and 263), 1.5 times its longer side.
    public var nextRegion: FaceRegion {
        let xy = points.map { SIMD2($0.x, $0.y) }
        let lo = xy.reduce(xy[0], pointwiseMin), hi = xy.reduce(xy[0], pointwiseMax)
        return FaceRegion.around(minimum: lo, maximum: hi, start: xy[33], end: xy[263])
    }
}

/// MediaPipe's face mesh (`face_landmark.tflite`): the region warped upright into 192×192 RGB in 0…1, 468
/// points mapped back into the image, and the face presence score (a sigmoid of the model's face flag).
public final class FaceMeshLandmarker {
    let interpreter: TFLiteInterpreter
    static let side = 192

    /// Loads the face-mesh model.
    public init(model url: URL) throws {
        interpreter = try TFLiteInterpreter(model: try TFLiteModel(contentsOf: url))
        guard interpreter.inputShapes == [[1, 192, 192, 3]], interpreter.outputShapes == [[1, 1, 1, 1404], [1, 1, 1, 1]] else {
            throw FileError(url, "is not MediaPipe's face mesh: inputs \(interpreter.inputShapes), outputs \(interpreter.outputShapes)")
        }
    }

    /// The mesh points of the face in `region` of `image`.
    public func landmarks(in image: Image, region: FaceRegion) throws -> FaceMeshResult {
        let input = region.tensor(from: image, side: Self.side, range: 0...1, replicate: true)
        let outputs = try interpreter.run([input])
        let raw = outputs[0]
        let points = (0..<468).map { k -> SIMD3<Double> in
            let p = region.imagePoint(SIMD2(Double(raw[3 * k]), Double(raw[3 * k + 1])) / Double(Self.side))
            return SIMD3(p.x, p.y, Double(raw[3 * k + 2]) / Double(Self.side) * region.size.x)
        }
        let flag = Double(outputs[1][0])
        return FaceMeshResult(points: points, faceScore: 1 / (1 + exp(-flag)), region: region)
    }
}
