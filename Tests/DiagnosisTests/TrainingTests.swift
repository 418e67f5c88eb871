import Diagnosis
import FaceAtlasCore
import Foundation
import NeuralNet
import Numerics
import Testing

@Suite("Diagnoser loss, head, training and checkpoints")
struct TrainingTests {
    @Test("rank regularization: hinge on the group means, gradients ∓1/group size; none when the margin is met")
    func rankRegularization() {
        let logits = Tensor(shape: [4, 3], repeating: 0)
        let output = Diagnoser.Output(logits: logits, attention: [0.5, 0.52, 0.49, 0.51])
        let loss = SelfCureLoss(output: output, labels: [0, 1, 2, 0], beta: 0.5, margin: 0.05)
        // high group {0.52, 0.51}, low {0.5, 0.49}: 0.495 − 0.515 + 0.05 = 0.03
        #expect(abs(loss.rankRegularization - 0.03) < 1e-6)
        #expect(loss.attentionGradient == [0.5, -0.5, 0.5, -0.5])
        let met = SelfCureLoss(output: Diagnoser.Output(logits: logits, attention: [0.1, 0.9, 0.1, 0.9]), labels: [0, 1, 2, 0], beta: 0.5, margin: 0.05)
        #expect(met.rankRegularization == 0 && met.attentionGradient.allSatisfy { $0 == 0 })
        #expect(abs(loss.crossEntropy - log(3)) < 1e-6)
    }

    @Test("relabeling: only samples beyond the margin, or the whole batch in the Emoface reference mode")
    func relabeling() {
        // Probabilities: sample 0 confidently class 2 (label 0), sample 1 slightly class 1 (label 0), sample 2 correct.
        let logits = Tensor(shape: [3, 3], data: [0, 0, 3, 0.1, 0.2, 0, 3, 0, 0])
        let loss = SelfCureLoss(output: Diagnoser.Output(logits: logits, attention: [1, 1, 1]), labels: [0, 0, 0], beta: 0.7, margin: 0.05)
        var settings = TrainingSettings()
        #expect(loss.relabeled([0, 0, 0], settings: settings) == [2, 0, 0])
        settings.relabelScope = .wholeBatch
        #expect(loss.relabeled([0, 0, 0], settings: settings) == [2, 1, 0])
        let calm = SelfCureLoss(output: Diagnoser.Output(logits: Tensor(shape: [1, 3], data: [0.1, 0, 0]), attention: [1]), labels: [1], beta: 0.7, margin: 0.05)
        #expect(calm.relabeled([1], settings: settings) == [1])
    }

    @Test("the attention head's backward pass matches finite differences (α × fc, rank term included)")
    func headGradient() {
        let diagnoser = Diagnoser(DiagnoserConfiguration(baseWidth: 2, inputSize: 32), seed: 3)
        var generator = SeededGenerator(seed: 4)
        let features = Tensor.uniform(shape: [5, 16], bound: 1, using: &generator)
        let labels = [0, 1, 2, 1, 0]
        func loss(_ x: Tensor) -> Double {
            let l = SelfCureLoss(output: diagnoser.head(x, training: true), labels: labels, beta: 0.6, margin: 0.5)
            return Double(l.total)
        }
        let l = SelfCureLoss(output: diagnoser.head(features, training: true), labels: labels, beta: 0.6, margin: 0.5)
        #expect(l.rankRegularization > 0)
        for p in diagnoser.parameters { p.zeroGradient() }
        let dx = diagnoser.backwardHead(logits: l.logitGradient, attention: l.attentionGradient)
        for i in stride(from: 0, to: features.count, by: 3) {
            var plus = features, minus = features
            plus.data[i] += 1e-3; minus.data[i] -= 1e-3
            let numeric = (loss(plus) - loss(minus)) / 2e-3
            #expect(abs(numeric - Double(dx.data[i])) < 2e-3 * max(1, abs(numeric)), "feature \(i): \(numeric) vs \(dx.data[i])")
        }
    }

    @Test("learning: on a tiny separable set the loss falls and validation accuracy is far above chance; a checkpoint resumes")
    func learns() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try SyntheticFrames.frameFolder(root, classes: ["MDD", "BD", "HC"], participants: 6, frames: 3, size: 37)
        let split = try ParticipantSplit(try FrameDataset.folder(root, classes: ["MDD", "BD", "HC"]), ratios: (4, 2, 0), seed: 2)
        var settings = TrainingSettings()
        settings.epochs = 4
        settings.batchSize = 12
        settings.learningRate = 0.05
        settings.relabelEpoch = 2
        let diagnoser = Diagnoser(DiagnoserConfiguration(baseWidth: 4, inputSize: 32), seed: 7)
        let trainer = DiagnoserTrainer(diagnoser: diagnoser, settings: settings, train: split.train, validation: split.validation)
        let before = try trainer.evaluate(split.validation)
        var reports: [EpochReport] = []
        while !trainer.isFinished { reports.append(try trainer.runEpoch()) }
        #expect(reports.count == 4)
        #expect(reports.last!.trainLoss < reports.first!.trainLoss, "train loss \(reports.map(\.trainLoss))")
        let after = try trainer.evaluate(split.validation)
        #expect(after.loss < before.loss, "validation loss \(before.loss) → \(after.loss)")
        #expect(after.accuracy >= 0.8, "validation accuracy \(after.accuracy) (chance 0.33)")
        #expect(abs(reports[1].learningRate - 0.05 * 0.9) < 1e-6)

        // Checkpoint and resume: the restored trainer has the same weights, labels, velocities and progress.
        let checkpoint = root.appendingPathComponent("dx.npz")
        try trainer.writeCheckpoint(to: checkpoint)
        let (restored, meta, extra) = try DiagnoserFile.read(checkpoint)
        let sameWeights = restored.stateDictionary().map(\.tensor) == diagnoser.stateDictionary().map(\.tensor)
        #expect(sameWeights)
        #expect(meta.training?.epochsDone == 4 && meta.training?.history.count == 4)
        var more = meta.training!.settings
        more.epochs = 5
        let resumed = DiagnoserTrainer(diagnoser: restored, settings: more, train: split.train, validation: split.validation)
        try resumed.restore(meta.training!, extra: extra, source: checkpoint.path)
        #expect(resumed.epochsDone == 4 && resumed.labels == trainer.labels)
        #expect(resumed.optimizer.velocities == trainer.optimizer.velocities)
        let fifth = try resumed.runEpoch()
        #expect(fifth.epoch == 4 && resumed.isFinished)

        // Inference: per-frame attention and probabilities, participants as attention-weighted means.
        let frames = try restored.predict(split.validation.frames)
        #expect(frames.allSatisfy { abs($0.probabilities.reduce(0, +) - 1) < 1e-5 && $0.attention > 0 && $0.attention < 1 })
        let people = restored.participants(frames)
        #expect(people.count == split.validation.participants.count)
        let first = frames.filter { $0.participant == people[0].participant }
        let weight = first.map(\.attention).reduce(0, +)
        let expected = first.map { $0.attention * $0.probabilities[0] }.reduce(0, +) / weight
        #expect(abs(people[0].probabilities[0] - expected) < 1e-5)
    }

    @Test("Emoface / Self-Cure Network names (module., features.N, alpha.0) load into the diagnoser")
    func selfCureNames() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = Diagnoser(DiagnoserConfiguration(baseWidth: 2, inputSize: 32), seed: 11)
        let renamed: StateDictionary = source.stateDictionary().map { entry in
            var name = entry.name
            for (from, to) in [("conv1.", "features.0."), ("bn1.", "features.1."), ("layer1.", "features.4."), ("layer2.", "features.5."),
                               ("layer3.", "features.6."), ("layer4.", "features.7.")] where name.hasPrefix(from) {
                name = to + name.dropFirst(from.count)
                break
            }
            return ("module." + name, entry.tensor)
        }
        let url = root.appendingPathComponent("scn.safetensors")
        try Safetensors.write(renamed, to: url)
        let (loaded, meta, _) = try DiagnoserFile.read(url)
        #expect(meta.configuration.classes == ["MDD", "BD", "HC"] && meta.configuration.baseWidth == 2)
        let same = loaded.stateDictionary().map(\.tensor) == source.stateDictionary().map(\.tensor)
        #expect(same)
    }

    @Test("a torchvision ResNet-18 (1000-class fc) initializes the backbone; the head keeps its own weights")
    func pretrainedBackbone() throws {
        let root = try SyntheticFrames.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let imagenet = ResNet18(ResNetConfiguration(baseWidth: 2, classes: 10), seed: 21)
        let url = root.appendingPathComponent("resnet18.safetensors")
        try Safetensors.write(imagenet.stateDictionary(), to: url)
        let diagnoser = Diagnoser(DiagnoserConfiguration(baseWidth: 2, inputSize: 32), seed: 22)
        let head = diagnoser.fc.weight.value
        try DiagnoserFile.loadBackbone(diagnoser, from: url)
        let backbone = imagenet.stateDictionary().filter { !$0.name.hasPrefix("fc.") }
        let same = diagnoser.backbone.stateDictionary().map(\.tensor) == backbone.map(\.tensor)
        #expect(same && diagnoser.fc.weight.value == head)
        let wrong = Diagnoser(DiagnoserConfiguration(baseWidth: 4, inputSize: 32))
        #expect { try DiagnoserFile.loadBackbone(wrong, from: url) } throws: { "\($0)".contains(url.path) && "\($0)".contains("conv1.weight") }
    }

    @Test("GradCAM: heat in [0, 1] with maximum 1; organ shares sum to 100; landmarks sample the map")
    func gradCAM() throws {
        let configuration = DiagnoserConfiguration(baseWidth: 4, inputSize: 64)
        let diagnoser = Diagnoser(configuration, seed: 5)
        var generator = SeededGenerator(seed: 6)
        let image = Tensor.uniform(shape: [1, 3, 64, 64], bound: 2, using: &generator)
        let cam = GradCAM(diagnoser: diagnoser, image: image, classIndex: 1)
        #expect(cam.heatmap.count == 64 * 64)
        #expect(cam.heatmap.allSatisfy { $0 >= 0 && $0 <= 1 } && cam.heatmap.max() == 1)
        #expect(abs(cam.probabilities.reduce(0, +) - 1) < 1e-5)
        let transform = FrameTransform(configuration)
        // 68 landmarks spread over a 148×148 frame (resized to 74, centre crop 64).
        #expect(transform.resizeSide == 74)
        let points: [SIMD2<Double>] = (0..<68).map { (i: Int) -> SIMD2<Double> in
            let x: Int = 10 + (i % 9) * 14, y: Int = 10 + (i / 9) * 16
            return SIMD2(Double(x), Double(y))
        }
        let regions = (0..<68).map { $0 % 17 }
        let shares = LandmarkAttention(cam: cam, points: points, frameSize: SIMD2(148, 148), transform: transform, landmarkRegions: regions)
        #expect(abs(shares.organPercent.reduce(0, +) - 100) < 1e-6)
        #expect(shares.regionPercent.reduce(0, +) <= 100 + 1e-6)
        let scale = 74.0 / 148, offset = 5.0
        #expect(shares.landmarkHeat[20] == cam.heat(x: points[20].x * scale - offset, y: points[20].y * scale - offset))
    }
}
