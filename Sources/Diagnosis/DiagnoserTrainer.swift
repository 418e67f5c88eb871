import FaceAtlasCore
import Foundation
import NeuralNet
import Numerics

/// The figures of one training epoch.
public struct EpochReport: Codable, Sendable, Equatable {
    /// The epoch, from 0.
    public var epoch: Int
    public var learningRate: Float
    public var trainLoss: Float
    public var trainAccuracy: Float
    public var validationLoss: Float?
    public var validationAccuracy: Float?
    /// Training labels changed by relabeling in this epoch.
    public var relabeled: Int
    public var seconds: Double
}

/// Trains a diagnoser with SGD, cross-entropy plus rank regularization and relabeling, one epoch at
/// a time, and writes resumable checkpoints.
public final class DiagnoserTrainer {
    public let diagnoser: Diagnoser
    public let settings: TrainingSettings
    public let optimizer: SGD
    public let train: FrameDataset
    public let validation: FrameDataset?
    /// The current training labels (relabeling changes them).
    public private(set) var labels: [Int]
    /// Epochs completed.
    public private(set) var epochsDone = 0
    public private(set) var history: [EpochReport] = []
    private let images: FrameImages
    private let transform: FrameTransform

    /// A trainer of `diagnoser` on `train`, evaluated on `validation` after each epoch.
    public init(diagnoser: Diagnoser, settings: TrainingSettings, train: FrameDataset, validation: FrameDataset?) {
        self.diagnoser = diagnoser
        self.settings = settings
        self.train = train
        self.validation = validation
        labels = train.frames.map(\.label)
        optimizer = SGD(parameters: diagnoser.parameters, learningRate: settings.learningRate, momentum: settings.momentum,
                        weightDecay: settings.weightDecay, nesterov: settings.nesterov)
        transform = FrameTransform(diagnoser.configuration)
        images = FrameImages(side: transform.resizeSide)
    }

    /// Whether every epoch has run.
    public var isFinished: Bool { epochsDone >= settings.epochs }

    /// The learning-rate schedule.
    public var schedule: ExponentialDecay { ExponentialDecay(initial: settings.learningRate, gamma: settings.gamma) }

    /// Builds the normalized input batch of `frames` (in parallel over images).
    func batch(_ frames: [LabelledFrame], training: Bool, seed: UInt64) throws -> Tensor {
        let s = transform.inputSize, size = 3 * s * s
        let transform = self.transform, images = self.images
        let results: [Result<[Float], Error>] = Parallel.map(frames.count) { i in
            Result {
                let image = try images.image(frames[i].url)
                var generator = SeededGenerator(seed: seed &+ UInt64(i) &* 0x9E37_79B9)
                var values = [Float](repeating: 0, count: size)
                values.withUnsafeMutableBufferPointer { transform.apply(image, training: training, generator: &generator, into: $0) }
                return values
            }
        }
        var data: [Float] = []
        data.reserveCapacity(frames.count * size)
        for result in results { data += try result.get() }
        return Tensor(shape: [frames.count, 3, s, s], data: data)
    }

    /// Runs one training epoch (then validation); `progress` is told (images done, images in all).
    @discardableResult
    public func runEpoch(progress: (Int, Int) -> Void = { _, _ in }) throws -> EpochReport {
        let start = Date()
        let epoch = epochsDone
        optimizer.learningRate = schedule.learningRate(epoch: epoch)
        var generator = SeededGenerator(seed: settings.seed &+ UInt64(epoch) &* 0x1000_0001)
        var order = Array(train.frames.indices)
        order.shuffle(using: &generator)
        var lossSum = 0.0, correct = 0, seen = 0, relabeled = 0
        var first = 0
        while first < order.count {
            let indices = Array(order[first..<min(first + settings.batchSize, order.count)])
            first += settings.batchSize
            guard indices.count > 1 else { continue }  // batch norm needs two samples
            let x = try batch(indices.map { train.frames[$0] }, training: true, seed: generator.next())
            let batchLabels = indices.map { labels[$0] }
            optimizer.zeroGradients()
            let output = diagnoser.forward(x, training: true)
            let loss = SelfCureLoss(output: output, labels: batchLabels, beta: settings.beta, margin: settings.rankMargin)
            diagnoser.backward(logits: loss.logitGradient, attention: loss.attentionGradient)
            optimizer.step()
            let k = loss.probabilities.shape[1]
            for (row, label) in batchLabels.enumerated() {
                let p = loss.probabilities.data[(row * k)..<(row * k + k)]
                if p.indices.max(by: { p[$0] < p[$1] })! - row * k == label { correct += 1 }
            }
            lossSum += Double(loss.total) * Double(indices.count)
            seen += indices.count
            if epoch >= settings.relabelEpoch {
                let updated = loss.relabeled(batchLabels, settings: settings)
                for (row, index) in indices.enumerated() where labels[index] != updated[row] {
                    labels[index] = updated[row]
                    relabeled += 1
                }
            }
            progress(seen, order.count)
        }
        var report = EpochReport(epoch: epoch, learningRate: optimizer.learningRate,
                                 trainLoss: Float(lossSum / Double(max(seen, 1))),
                                 trainAccuracy: Float(correct) / Float(max(seen, 1)), relabeled: relabeled, seconds: 0)
        if let validation, !validation.frames.isEmpty {
            let (loss, accuracy) = try evaluate(validation)
            report.validationLoss = loss
            report.validationAccuracy = accuracy
        }
        report.seconds = Date().timeIntervalSince(start)
        epochsDone += 1
        history.append(report)
        return report
    }

    /// Mean cross-entropy and accuracy on `dataset` in evaluation mode (centre crops, running statistics).
    public func evaluate(_ dataset: FrameDataset) throws -> (loss: Float, accuracy: Float) {
        var lossSum = 0.0, correct = 0
        var first = 0
        while first < dataset.frames.count {
            let frames = Array(dataset.frames[first..<min(first + settings.batchSize, dataset.frames.count)])
            first += settings.batchSize
            let output = diagnoser.forward(try batch(frames, training: false, seed: 0), training: false)
            let ce = SoftmaxCrossEntropy(logits: output.logits, labels: frames.map(\.label))
            lossSum += Double(ce.loss) * Double(frames.count)
            let k = ce.probabilities.shape[1]
            for (row, frame) in frames.enumerated() {
                let p = ce.probabilities.data[(row * k)..<(row * k + k)]
                if p.indices.max(by: { p[$0] < p[$1] })! - row * k == frame.label { correct += 1 }
            }
        }
        let n = Double(max(dataset.frames.count, 1))
        return (Float(lossSum / n), Float(Double(correct) / n))
    }

    // MARK: - Checkpoints

    /// Writes the diagnoser with everything needed to resume: settings, progress, history, the
    /// current labels and the optimizer's velocities.
    public func writeCheckpoint(to url: URL) throws {
        let state = TrainingState(settings: settings, epochsDone: epochsDone, history: history, trainFrames: train.frames.map(\.url.path))
        var extra: StateDictionary = [("labels", StateTensor(shape: [labels.count], int64: labels.map { Int64($0) }))]
        let names = diagnoser.stateSlots(prefix: "").compactMap { if case .parameter = $0.slot { $0.name } else { nil } }
        for (name, velocity) in zip(names, optimizer.velocities) {
            extra.append(("momentum/" + name, StateTensor(shape: [velocity.count], floats: velocity)))
        }
        try DiagnoserFile.write(diagnoser, training: state, extra: extra, to: url)
    }

    /// Restores progress, labels and velocities from a checkpoint written by `writeCheckpoint`.
    /// - Throws: `FileError` naming `source` when the checkpoint belongs to other training data.
    public func restore(_ state: TrainingState, extra: StateDictionary, source: String) throws {
        guard state.trainFrames == train.frames.map(\.url.path) else {
            throw FileError(source, "the checkpoint was trained on other frames than --data gives now; cannot resume")
        }
        var byName: [String: StateTensor] = [:]
        for (name, tensor) in extra { byName[name] = tensor }
        if let saved = byName["labels"], saved.count == labels.count { labels = saved.int64Values.map { Int($0) } }
        let names = diagnoser.stateSlots(prefix: "").compactMap { if case .parameter = $0.slot { $0.name } else { nil } }
        for (index, name) in names.enumerated() {
            guard let velocity = byName["momentum/" + name], velocity.count == optimizer.velocities[index].count else {
                throw FileError(source, "the checkpoint lacks the optimizer velocity of \(name)")
            }
            optimizer.velocities[index] = velocity.floatValues
        }
        epochsDone = state.epochsDone
        history = state.history
    }
}
