import Foundation
import Imaging
import Numerics
import Testing
@testable import Evaluation

@Suite struct EvaluationSummaryTests {
    private let classes = ["MDD", "BD", "HC"]

    /// Out-of-sample predictions of a noisy classifier whose scores favour the true class by `signal`.
    private func predictions(signal: Double, count: Int = 150, seed: UInt64 = 2) -> [ParticipantPrediction] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let truth = i % 3
            let logits = (0..<3).map { k in (k == truth ? signal : 0) + generator.nextGaussian() }
            let top = logits.max()!
            let weights = logits.map { exp($0 - top) }, total = weights.reduce(0, +)
            let predicted = logits.firstIndex(of: top)!
            return ParticipantPrediction(participant: "p\(i)", truth: classes[truth], predicted: classes[predicted],
                                         probabilities: weights.map { $0 / total })
        }
    }

    @Test func summaryOfAGoodClassifier() throws {
        let summary = EvaluationSummary(method: "test", design: "synthetic", classes: classes,
                                        predictions: predictions(signal: 2.5), bootstrapResamples: 300, seed: 1)
        #expect(summary.participants == 150 && summary.decided == 150 && summary.coverage == 1)
        #expect(summary.accuracy.value > 0.75)
        let ci = try #require(summary.accuracy.interval)
        #expect(ci.lower > 1.0 / 3 && ci.contains(summary.accuracy.value) && ci.upper - ci.lower < 0.2)
        #expect(try #require(summary.macroAUC).value > 0.9)
        #expect(summary.confusionMatrix.total == 150)
        #expect(summary.perClass.map(\.support) == [50, 50, 50])
        // The macro AUC is the mean of the per-class AUCs.
        let perClassAUC = summary.perClass.compactMap { $0.auc?.value }
        #expect(abs(summary.macroAUC!.value - perClassAUC.reduce(0, +) / 3) < 1e-12)
    }

    @Test func summaryOfAGuessIsAtChance() throws {
        let summary = EvaluationSummary(method: "guess", design: "synthetic", classes: classes,
                                        predictions: predictions(signal: 0, count: 210), bootstrapResamples: 300, seed: 1)
        #expect(try #require(summary.accuracy.interval).contains(1.0 / 3))
        #expect(try #require(summary.macroAUC?.interval).contains(0.5))
    }

    @Test func indeterminateParticipantsLeaveTheConfusionMatrix() {
        var list = predictions(signal: 2, count: 30)
        for i in [0, 4, 8] { list[i].predicted = nil }
        let summary = EvaluationSummary(method: "m", design: "d", classes: classes, predictions: list, bootstrapResamples: 50, seed: 1)
        #expect(summary.decided == 27 && summary.confusionMatrix.total == 27)
        #expect(abs(summary.coverage - 0.9) < 1e-12)
        #expect(summary.rocCurves.allSatisfy { $0.curve != nil })
    }

    @Test func writesJSONMarkdownAndCharts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-evaluation-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let test = PermutationTestResult(observed: 0.8, shuffles: 99, atLeastObserved: 0, pValue: 0.01)
        let summary = EvaluationSummary(method: "matcher", design: "5-fold cross-validation by participant", classes: classes,
                                        predictions: predictions(signal: 1.5, count: 90), bootstrapResamples: 200, seed: 4,
                                        permutationTest: test)
        let files = try summary.write(to: folder)
        #expect(files.map(\.lastPathComponent) == ["evaluation.json", "evaluation.md", "evaluation-roc.png", "evaluation-confusion.png"])
        #expect(try EvaluationSummary.read(files[0]) == summary)
        let markdown = try String(contentsOf: files[1], encoding: .utf8)
        #expect(markdown.contains("| accuracy | \(String(format: "%.3f", summary.accuracy.value))"))
        #expect(markdown.contains("p = 0.0100 (99 shuffles"))
        #expect(markdown.contains("| MDD | " + summary.confusionMatrix.counts[0].map(String.init).joined(separator: " | ") + " |"))

        let roc = try PNG.read(files[2])
        #expect(roc.width == 640 && roc.height == 560 && roc.channels == 3)
        // The curves' colours are on the image (anti-aliased lines leave exact colours on their centre lines).
        for colour in LineChart.palette.prefix(3) {
            #expect(stride(from: 0, to: roc.pixels.count, by: 3).contains { Array(roc.pixels[$0..<($0 + 3)]) == colour })
        }
        let confusion = try PNG.read(files[3])
        #expect(confusion.width > 360 && confusion.height > 360)
        if let keep = ProcessInfo.processInfo.environment["FACEATLAS_KEEP_CHARTS"] {
            for file in files { try? FileManager.default.copyItem(at: file, to: URL(fileURLWithPath: keep).appendingPathComponent(file.lastPathComponent)) }
        }
    }

    @Test func niceTicks() {
        let unit = LineChart.niceTicks(0...1)
        #expect(unit.count == 6 && zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(LineChart.niceTicks(0...35) == [0, 10, 20, 30])
        #expect(LineChart.niceTicks(0...35).first?.sign == .plus)
        #expect(LineChart.niceTicks(-1...1).contains(0))
    }
}
