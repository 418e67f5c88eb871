import ArgumentParser
import Diagnosis
import FaceAtlasCore
import Foundation
import NeuralNet

extension TrainingSettings.RelabelScope: ExpressibleByArgument {}

/// `faceatlas train-diagnoser`: train the attention-weighted ResNet-18 on labelled face images.
struct TrainDiagnoserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-diagnoser",
        abstract: "Train the CNN diagnoser (ResNet-18 + attention, rank regularization, relabeling) on the CPU.",
        discussion: """
            --data is a RAF-DB-style folder (EmoLabel/list_label.txt and Image/aligned/; train_* images train, the others \
            validate) or a folder of labelled frames DATA/<class>/<participant>/<frame>.png|jpg, split by participant \
            (--split, 7:2:1 by default; no participant on two sides). Defaults are the Emoface paper's: SGD lr 0.01, \
            momentum 0.9, weight decay 1e-4, ×0.9 per epoch, 70 epochs, batch 64, β 0.7, margin 0.05, relabeling from \
            epoch 10 at margin 0.2. A checkpoint is written to --out after every epoch; --resume continues from it.
            """)

    @Option(help: "Training data (RAF-DB-style folder or DATA/<class>/<participant>/<frames>).") var data: String
    @Option(help: "The weight file to write (.npz, or .safetensors); also the checkpoint.") var out: String
    @Option(help: "Epochs in all.") var epochs: Int?
    @Option(help: "Batch size.") var batch: Int?
    @Option(help: "Initial learning rate.") var lr: Float?
    @Option(help: "SGD momentum.") var momentum: Float?
    @Option(help: "Weight decay.") var weightDecay: Float?
    @Option(help: "Learning-rate decay per epoch.") var gamma: Float?
    @Flag(help: "Nesterov momentum.") var nesterov = false
    @Option(help: "Share of a batch in the high-attention group.") var beta: Float?
    @Option(help: "Rank regularization margin.") var rankMargin: Float?
    @Option(help: "First epoch (0-based) of relabeling.") var relabelEpoch: Int?
    @Option(help: "Probability margin for relabeling.") var relabelMargin: Float?
    @Option(help: "Which samples relabeling changes: confident (those beyond the margin) or whole-batch (the Emoface reference code).")
    var relabelScope: TrainingSettings.RelabelScope?
    @Option(help: "ResNet-18 base width (64 as torchvision).") var width = 64
    @Option(help: "Network input side in pixels.") var inputSize = 224
    @Option(help: "Dropout on the features before the head.") var dropout: Float = 0
    @Option(help: "Class folders in output order, comma-separated (frame folders; default: all, sorted).") var classes: String?
    @Option(help: "Participant split train:validation:test.") var split = "7:2:1"
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Initialize the backbone from ResNet-18 weights (torchvision .pth, safetensors or .npz).") var pretrained: String?
    @Flag(help: "Continue the training saved in --out.") var resume = false
    @Flag(help: "Print only the per-epoch lines.") var quiet = false

    func run() throws {
        try runReportingErrors {
            HeapReuse.enable()
            let outURL = URL(fileURLWithPath: out)
            let dataURL = URL(fileURLWithPath: data)
            let classNames = classes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            let (train, validation, test) = try datasets(dataURL, classes: classNames)
            guard !train.frames.isEmpty else { throw UsageError("no training frames in \(data)") }

            let trainer: DiagnoserTrainer
            if resume && FileManager.default.fileExists(atPath: outURL.path) {
                let (diagnoser, meta, extra) = try DiagnoserFile.read(outURL)
                guard let state = meta.training else { throw FileError(outURL, "holds no training state to resume") }
                guard diagnoser.configuration.classes == train.classes else {
                    throw FileError(outURL, "was trained on classes \(diagnoser.configuration.classes), the data has \(train.classes)")
                }
                var settings = state.settings
                if let epochs { settings.epochs = epochs }
                trainer = DiagnoserTrainer(diagnoser: diagnoser, settings: settings, train: train, validation: validation)
                try trainer.restore(state, extra: extra, source: outURL.path)
                print("resuming after epoch \(trainer.epochsDone) of \(settings.epochs)")
            } else {
                guard width > 0, inputSize >= 32 else { throw UsageError("--width must be positive and --input-size at least 32") }
                let configuration = DiagnoserConfiguration(classes: train.classes, baseWidth: width, inputSize: inputSize, dropout: dropout)
                let diagnoser = Diagnoser(configuration, seed: seed)
                if let pretrained { try DiagnoserFile.loadBackbone(diagnoser, from: URL(fileURLWithPath: pretrained)) }
                trainer = DiagnoserTrainer(diagnoser: diagnoser, settings: try settings(), train: train, validation: validation)
            }
            print("training on \(train.frames.count) frames (\(train.participants.count) participants), validating on \(validation.frames.count); classes \(train.classes.joined(separator: ", "))")
            while !trainer.isFinished {
                let title = "epoch \(trainer.epochsDone + 1)/\(trainer.settings.epochs)"
                let reporter = ProgressReporter(title, total: train.frames.count, quiet: quiet)
                var shown = 0
                let report = try trainer.runEpoch { done, _ in
                    reporter.advance(by: done - shown)
                    shown = done
                }
                reporter.finish()
                var line = String(format: "%@: lr %.5f, train loss %.4f acc %.3f", title, report.learningRate, report.trainLoss, report.trainAccuracy)
                if let loss = report.validationLoss, let accuracy = report.validationAccuracy {
                    line += String(format: ", validation loss %.4f acc %.3f", loss, accuracy)
                }
                line += String(format: ", relabeled %d, %.1f s", report.relabeled, report.seconds)
                print(line)
                try trainer.writeCheckpoint(to: outURL)
            }
            if !test.frames.isEmpty {
                let (loss, accuracy) = try trainer.evaluate(test)
                print(String(format: "test (%d frames, %d participants): loss %.4f acc %.3f", test.frames.count, test.participants.count, loss, accuracy))
            }
            print("wrote \(outURL.path)")
        }
    }

    private func settings() throws -> TrainingSettings {
        var s = TrainingSettings()
        if let epochs { s.epochs = epochs }
        if let batch { s.batchSize = batch }
        if let lr { s.learningRate = lr }
        if let momentum { s.momentum = momentum }
        if let weightDecay { s.weightDecay = weightDecay }
        if let gamma { s.gamma = gamma }
        if nesterov { s.nesterov = true }
        if let beta { s.beta = beta }
        if let rankMargin { s.rankMargin = rankMargin }
        if let relabelEpoch { s.relabelEpoch = relabelEpoch }
        if let relabelMargin { s.relabelMargin = relabelMargin }
        if let relabelScope { s.relabelScope = relabelScope }
        s.seed = seed
        guard s.epochs > 0, s.batchSize > 1, s.learningRate > 0, (0...1).contains(s.beta) else {
            throw UsageError("--epochs must be positive, --batch at least 2, --lr positive and --beta in 0...1")
        }
        return s
    }

    /// Training, validation and test sets of the data folder.
    private func datasets(_ root: URL, classes: [String]?) throws -> (FrameDataset, FrameDataset, FrameDataset) {
        if FrameDataset.isRAFDB(root) {
            let (train, test) = try FrameDataset.rafDB(root)
            return (train, test, FrameDataset(classes: train.classes, frames: []))
        }
        let parts = split.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 3 else { throw UsageError("--split must be three numbers train:validation:test, e.g. 7:2:1") }
        let result = try ParticipantSplit(try FrameDataset.folder(root, classes: classes), ratios: (parts[0], parts[1], parts[2]), seed: seed)
        return (result.train, result.validation, result.test)
    }
}
