import FaceAtlasCore
import Foundation
import NeuralNet
import Numerics

/// The diagnoser's reading of one frame.
public struct FramePrediction: Codable, Sendable, Equatable {
    public var file: String
    public var participant: String
    /// The attention weight α: how much the frame counts.
    public var attention: Float
    /// softmax(α × fc(features)), one per class.
    public var probabilities: [Float]
}

/// The diagnoser's reading of one participant: the attention-weighted mean over the frames.
public struct ParticipantPrediction: Codable, Sendable, Equatable {
    public var participant: String
    public var frames: Int
    /// Σ α·p / Σ α over the frames.
    public var probabilities: [Float]
    /// The most probable class's name.
    public var predicted: String
}

extension Diagnoser {
    /// Predicts every frame (evaluation mode, centre crop), `batchSize` at a time.
    public func predict(_ frames: [LabelledFrame], batchSize: Int = 32,
                        progress: (Int, Int) -> Void = { _, _ in }) throws -> [FramePrediction] {
        let transform = FrameTransform(configuration)
        let images = FrameImages(side: transform.resizeSide, cacheLimit: 0)
        let s = configuration.inputSize, size = 3 * s * s
        var predictions: [FramePrediction] = []
        var first = 0
        while first < frames.count {
            let chunk = Array(frames[first..<min(first + batchSize, frames.count)])
            let results: [Result<[Float], Error>] = Parallel.map(chunk.count) { i in
                Result {
                    let image = try images.image(chunk[i].url)
                    var values = [Float](repeating: 0, count: size)
                    var generator = SeededGenerator(seed: 0)
                    values.withUnsafeMutableBufferPointer { transform.apply(image, training: false, generator: &generator, into: $0) }
                    return values
                }
            }
            var data: [Float] = []
            data.reserveCapacity(chunk.count * size)
            for result in results { data += try result.get() }
            let output = forward(Tensor(shape: [chunk.count, 3, s, s], data: data), training: false)
            let k = configuration.classes.count
            for (row, frame) in chunk.enumerated() {
                let logits = Array(output.logits.data[(row * k)..<(row * k + k)])
                predictions.append(FramePrediction(file: frame.url.path, participant: frame.participant,
                                                   attention: output.attention[row], probabilities: Self.softmax(logits)))
            }
            first += chunk.count
            progress(first, frames.count)
        }
        return predictions
    }

    /// The attention-weighted mean prediction of each participant, in order of first appearance.
    public func participants(_ frames: [FramePrediction]) -> [ParticipantPrediction] {
        var order: [String] = []
        var groups: [String: [FramePrediction]] = [:]
        for frame in frames {
            if groups[frame.participant] == nil { order.append(frame.participant) }
            groups[frame.participant, default: []].append(frame)
        }
        return order.map { participant in
            let group = groups[participant]!
            let k = configuration.classes.count
            var sum = [Double](repeating: 0, count: k)
            var weight = 0.0
            for frame in group {
                weight += Double(frame.attention)
                for j in 0..<k { sum[j] += Double(frame.attention) * Double(frame.probabilities[j]) }
            }
            let probabilities = sum.map { Float($0 / max(weight, .leastNormalMagnitude)) }
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            return ParticipantPrediction(participant: participant, frames: group.count, probabilities: probabilities,
                                         predicted: configuration.classes[best])
        }
    }

    /// softmax in Double.
    static func softmax(_ logits: [Float]) -> [Float] {
        let top = logits.max() ?? 0
        let e = logits.map { exp(Double($0 - top)) }
        let s = e.reduce(0, +)
        return e.map { Float($0 / s) }
    }
}
