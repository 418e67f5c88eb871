import Diagnosis
import FaceAtlasCore
import Foundation
import Imaging
import NeuralNet
import Numerics

/// The CNN encoder: the diagnoser's penultimate features (the ResNet-18's pooled 512 values at full
/// width), mean-pooled over a participant's face crops — or over crops of a reference face's renders,
/// as the Emoface paper embeds its standard faces.
///
/// Crops are resized and centre-cropped exactly as the diagnoser sees frames at inference
/// (`FrameTransform`, evaluation mode). One forward pass runs at a time.
public struct CNNEncoder: EmbeddingEncoder {
    public typealias Input = [Image]
    public let name = "cnn"
    private let network: LockedDiagnoser
    public let transform: FrameTransform

    /// An encoder over a trained diagnoser.
    public init(diagnoser: Diagnoser) {
        network = LockedDiagnoser(diagnoser)
        transform = FrameTransform(diagnoser.configuration)
    }

    public var dimension: Int { network.diagnoser.configuration.featureCount }

    /// The mean feature vector of `images` (RGB face crops of any size).
    public func embedding(of images: [Image]) throws -> [Double] {
        guard !images.isEmpty else { throw UsageError("the CNN encoder needs at least one face image") }
        let s = transform.inputSize, size = 3 * s * s
        var sum = [Double](repeating: 0, count: dimension)
        var first = 0
        let batch = 16
        while first < images.count {
            let chunk = images[first..<min(first + batch, images.count)]
            var data = [Float](repeating: 0, count: chunk.count * size)
            var generator = SeededGenerator(seed: 0)
            data.withUnsafeMutableBufferPointer { buffer in
                for (i, image) in chunk.enumerated() {
                    let prepared = image.converted(toChannels: 3).resized(width: transform.resizeSide, height: transform.resizeSide)
                    transform.apply(prepared, training: false, generator: &generator,
                                    into: UnsafeMutableBufferPointer(rebasing: buffer[(i * size)..<((i + 1) * size)]))
                }
            }
            let features = network.features(Tensor(shape: [chunk.count, 3, s, s], data: data))
            let d = dimension
            for row in 0..<chunk.count { for j in 0..<d { sum[j] += Double(features.data[row * d + j]) } }
            first += chunk.count
        }
        return sum.map { $0 / Double(images.count) }
    }
}

/// The diagnoser behind a lock: its layers keep per-pass state, so passes must not overlap.
private final class LockedDiagnoser: @unchecked Sendable {
    let diagnoser: Diagnoser
    private let lock = NSLock()
    init(_ diagnoser: Diagnoser) { self.diagnoser = diagnoser }

    func features(_ images: Tensor) -> Tensor {
        lock.lock(); defer { lock.unlock() }
        return diagnoser.backbone.features(images, training: false)
    }
}
