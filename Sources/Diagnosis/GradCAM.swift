import FaceModel
import Foundation
import NeuralNet

/// Gradient-weighted class activation maps at the last block of layer4, and where on the face they fall.
public struct GradCAM: Sendable {
    /// The heat at each input pixel, `inputSize²` values in [0, 1], row-major.
    public var heatmap: [Float]
    public var inputSize: Int
    /// The class explained.
    public var classIndex: Int
    /// The frame's class probabilities.
    public var probabilities: [Float]

    /// The map of `classIndex` for one normalized image `[1, 3, S, S]`: the layer4 output's channels
    /// weighted by the mean gradient of the class score (α × fc) over them, ReLU, bilinearly upsampled
    /// to the input and scaled to a maximum of 1.
    public init(diagnoser: Diagnoser, image: Tensor, classIndex: Int) {
        precondition(image.shape.count == 4 && image.shape[0] == 1, "GradCAM explains one image at a time")
        let activations = diagnoser.backbone.featureMap(image, training: false)
        let pool = GlobalAveragePool()
        let output = diagnoser.head(pool.forward(activations, training: false), training: false)
        var seed = Tensor(shape: output.logits.shape)
        seed.data[classIndex] = 1
        let gradient = pool.backward(diagnoser.backwardHead(logits: seed, attention: []))
        let (c, h, w) = (activations.shape[1], activations.shape[2], activations.shape[3])
        var cam = [Float](repeating: 0, count: h * w)
        for k in 0..<c {
            var weight: Float = 0
            for j in 0..<(h * w) { weight += gradient.data[k * h * w + j] }
            weight /= Float(h * w)
            for j in 0..<(h * w) { cam[j] += weight * activations.data[k * h * w + j] }
        }
        cam = cam.map { max($0, 0) }
        let s = image.shape[2]
        var map = [Float](repeating: 0, count: s * s)
        for y in 0..<s {
            for x in 0..<s {
                map[y * s + x] = Self.bilinear(cam, width: w, height: h, x: (Double(x) + 0.5) * Double(w) / Double(s) - 0.5,
                                               y: (Double(y) + 0.5) * Double(h) / Double(s) - 0.5)
            }
        }
        let top = map.max() ?? 0
        heatmap = top > 0 ? map.map { $0 / top } : map
        inputSize = s
        self.classIndex = classIndex
        probabilities = Diagnoser.softmax(output.logits.data)
    }

    /// The heat at input coordinates (x, y) in pixels (0 outside the input).
    public func heat(x: Double, y: Double) -> Float {
        guard x >= -0.5, y >= -0.5, x <= Double(inputSize) - 0.5, y <= Double(inputSize) - 0.5 else { return 0 }
        return Self.bilinear(heatmap, width: inputSize, height: inputSize, x: x, y: y)
    }

    static func bilinear(_ values: [Float], width: Int, height: Int, x: Double, y: Double) -> Float {
        let fx = min(max(x, 0), Double(width - 1)), fy = min(max(y, 0), Double(height - 1))
        let x0 = Int(fx), y0 = Int(fy), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let ax = Float(fx - Double(x0)), ay = Float(fy - Double(y0))
        let top = values[y0 * width + x0] * (1 - ax) + values[y0 * width + x1] * ax
        let bottom = values[y1 * width + x0] * (1 - ax) + values[y1 * width + x1] * ax
        return top * (1 - ay) + bottom * ay
    }
}

/// Attention shares at the 68 landmarks, grouped by organ and by face region.
public struct LandmarkAttention: Codable, Sendable, Equatable {
    /// The heat at each landmark.
    public var landmarkHeat: [Float]
    /// Percent of the landmarks' total heat per organ (9, `FacialOrgan` order).
    public var organPercent: [Double]
    /// Percent per face region 1–16 (index 0 is region 1); landmarks outside every region count in none.
    public var regionPercent: [Double]

    /// The shares for landmarks `points` given in the frame's own pixel coordinates (`frameSize`),
    /// mapped through the input pipeline (resize to the transform's side, centre crop).
    /// - Parameter landmarkRegions: the region (1–16, 0 for none) of each landmark.
    public init(cam: GradCAM, points: [SIMD2<Double>], frameSize: SIMD2<Int>, transform: FrameTransform, landmarkRegions: [Int]) {
        let side = Double(transform.resizeSide), offset = Double(transform.resizeSide - transform.inputSize) / 2
        let heat = points.map { p in
            cam.heat(x: p.x * side / Double(frameSize.x) - offset, y: p.y * side / Double(frameSize.y) - offset)
        }
        let total = max(heat.reduce(0) { $0 + Double($1) }, .leastNormalMagnitude)
        landmarkHeat = heat
        organPercent = FacialOrgan.allCases.map { organ in
            organ.landmarks.reduce(0.0) { $0 + Double(heat[$1]) } / total * 100
        }
        regionPercent = (1...16).map { region in
            heat.indices.reduce(0.0) { $0 + (landmarkRegions[$1] == region ? Double(heat[$1]) : 0) } / total * 100
        }
    }

    /// The mean of several frames' shares (each frame counting once).
    public static func mean(_ frames: [LandmarkAttention]) -> LandmarkAttention? {
        guard var result = frames.first else { return nil }
        let n = Double(frames.count)
        result.landmarkHeat = (0..<result.landmarkHeat.count).map { i in frames.reduce(0) { $0 + $1.landmarkHeat[i] } / Float(n) }
        result.organPercent = (0..<9).map { i in frames.reduce(0) { $0 + $1.organPercent[i] } / n }
        result.regionPercent = (0..<16).map { i in frames.reduce(0) { $0 + $1.regionPercent[i] } / n }
        return result
    }

    /// The face region (1–16, 0 for none) of each of the 68 landmarks of `model`: the region of the
    /// vertex with the largest barycentric weight in the landmark's triangle.
    public static func landmarkRegions(of model: FaceModel) -> [Int] {
        (0..<LandmarkEmbedding.count).map { i in
            let embedding = model.landmarks
            guard embedding.isDefined(i) else { return 0 }
            let triangle = model.mesh.triangles[Int(embedding.triangles[i])]
            let b = embedding.barycentric[i]
            let corner = b.x >= b.y && b.x >= b.z ? triangle.x : (b.y >= b.z ? triangle.y : triangle.z)
            return Int(model.vertexRegions[Int(corner)])
        }
    }
}
