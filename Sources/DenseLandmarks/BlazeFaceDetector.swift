import FaceAtlasCore
import Foundation
import Imaging
import TFLiteFormat
import TFLiteInference

/// A face found by BlazeFace: its box, six keypoints and score, in image pixels.
public struct FaceDetection: Sendable, Equatable {
    /// The box's top-left and bottom-right corners.
    public var minimum: SIMD2<Double>, maximum: SIMD2<Double>
    /// Right eye, left eye (the subject's), nose tip, mouth centre, right and left ear tragion.
    public var keypoints: [SIMD2<Double>]
    /// Detection confidence, 0…1.
    public var score: Double

    /// The region MediaPipe's face mesh starts from: the box turned level with the eyes, 1.5 times its longer side.
    public var region: FaceRegion {
        FaceRegion.around(minimum: minimum, maximum: maximum, start: keypoints[0], end: keypoints[1])
    }
}

/// MediaPipe's short-range face detector (BlazeFace, `face_detection_short_range.tflite`) run as MediaPipe runs it:
/// the image letterboxed into 128×128 in −1…1, 896 SSD anchors (strides 8 and 16), sigmoid scores, boxes and
/// keypoints decoded against the anchors, and weighted non-maximum suppression (IoU 0.3).
public final class BlazeFaceDetector {
    /// Detections below this score are dropped (MediaPipe's `min_detection_confidence`).
    public var minimumScore = 0.5
    let interpreter: TFLiteInterpreter
    let anchors: [SIMD2<Double>]
    static let side = 128

    /// Loads the detector model.
    public init(model url: URL) throws {
        interpreter = try TFLiteInterpreter(model: try TFLiteModel(contentsOf: url))
        guard interpreter.inputShapes == [[1, 128, 128, 3]], interpreter.outputShapes == [[1, 896, 16], [1, 896, 1]] else {
            throw FileError(url, "is not BlazeFace short range: inputs \(interpreter.inputShapes), outputs \(interpreter.outputShapes)")
        }
        // SSD anchors: 16×16 cells × 2 (stride 8) then 8×8 cells × 6 (three layers of stride 16), fixed size 1.
        var anchors: [SIMD2<Double>] = []
        for (cells, perCell) in [(16, 2), (8, 6)] {
            for y in 0..<cells { for x in 0..<cells { for _ in 0..<perCell {
                anchors.append(SIMD2((Double(x) + 0.5) / Double(cells), (Double(y) + 0.5) / Double(cells)))
            } } }
        }
        self.anchors = anchors
    }

    /// The faces in `image`, best first.
    public func detect(_ image: Image) throws -> [FaceDetection] {
        // Letterbox: the square region around the image centre whose side is the image's longer side.
        let long = Double(max(image.width, image.height))
        let letterbox = FaceRegion(center: SIMD2(Double(image.width) / 2, Double(image.height) / 2), size: SIMD2(long, long), rotation: 0)
        let input = letterbox.tensor(from: image, side: Self.side, range: -1...1, replicate: false)
        let outputs = try interpreter.run([input])
        let (boxes, scores) = (outputs[0], outputs[1])
        var candidates: [FaceDetection] = []
        for a in anchors.indices {
            let score = 1 / (1 + exp(-Double(min(max(scores[a], -100), 100))))
            guard score >= minimumScore else { continue }
            let raw = boxes[(a * 16)..<(a * 16 + 16)].map(Double.init)
            func point(_ x: Double, _ y: Double) -> SIMD2<Double> {
                letterbox.imagePoint(SIMD2(x / 128 + anchors[a].x, y / 128 + anchors[a].y))
            }
            let center = point(raw[0], raw[1])
            let half = SIMD2(raw[2], raw[3]) / 128 * long / 2
            candidates.append(FaceDetection(minimum: center - half, maximum: center + half,
                                            keypoints: (0..<6).map { point(raw[4 + 2 * $0], raw[5 + 2 * $0]) }, score: score))
        }
        return Self.weightedSuppression(candidates, threshold: 0.3)
    }

    static func iou(_ a: FaceDetection, _ b: FaceDetection) -> Double {
        let lo = pointwiseMax(a.minimum, b.minimum), hi = pointwiseMin(a.maximum, b.maximum)
        let inter = max(0, hi.x - lo.x) * max(0, hi.y - lo.y)
        let union = (a.maximum - a.minimum).x * (a.maximum - a.minimum).y + (b.maximum - b.minimum).x * (b.maximum - b.minimum).y - inter
        return union > 0 ? inter / union : 0
    }

    /// MediaPipe's WEIGHTED non-maximum suppression: each cluster of overlapping detections becomes their
    /// score-weighted mean (box and keypoints), with the best score.
    static func weightedSuppression(_ detections: [FaceDetection], threshold: Double) -> [FaceDetection] {
        var remaining = detections.sorted { $0.score > $1.score }
        var kept: [FaceDetection] = []
        while !remaining.isEmpty {
            let best = remaining.removeFirst()
            var cluster = [best], rest: [FaceDetection] = []
            for d in remaining { if iou(best, d) > threshold { cluster.append(d) } else { rest.append(d) } }
            remaining = rest
            let total = cluster.reduce(0) { $0 + $1.score }
            guard total > 0, cluster.count > 1 else { kept.append(best); continue }
            var merged = best
            merged.minimum = cluster.reduce(SIMD2<Double>.zero) { $0 + $1.minimum * $1.score } / total
            merged.maximum = cluster.reduce(SIMD2<Double>.zero) { $0 + $1.maximum * $1.score } / total
            merged.keypoints = (0..<6).map { k in cluster.reduce(SIMD2<Double>.zero) { $0 + $1.keypoints[k] * $1.score } / total }
            kept.append(merged)
        }
        return kept
    }
}
