import FaceAtlasCore
import Foundation
import Imaging

/// A metric's value with its bootstrap confidence interval (nil when the bootstrap could not define one).
public struct Estimate: Sendable, Equatable, Codable {
    /// The value on all participants.
    public var value: Double
    /// The percentile bootstrap interval over participants.
    public var interval: ConfidenceInterval?

    /// An estimate of `value` with `interval`.
    public init(value: Double, interval: ConfidenceInterval?) {
        self.value = value
        self.interval = interval
    }
}

/// One class's metrics with confidence intervals.
public struct ClassSummary: Sendable, Equatable, Codable {
    /// The class label.
    public var label: String
    /// The number of participants of the class (decided ones).
    public var support: Int
    /// One-vs-rest accuracy.
    public var accuracy: Estimate
    /// Precision.
    public var precision: Estimate
    /// Recall (sensitivity).
    public var recall: Estimate
    /// F1 score.
    public var f1: Estimate
    /// One-vs-rest AUC of the class's probability; nil when the class has no participants.
    public var auc: Estimate?
}

/// A class's one-vs-rest ROC curve.
public struct ClassROC: Sendable, Equatable, Codable {
    /// The class label.
    public var label: String
    /// The curve, nil when undefined (no participants of the class, or only them).
    public var curve: ROCCurve?
}

/// Everything an evaluation reports: metrics per class and macro-averaged with bootstrap 95% intervals
/// (participants resampled), one-vs-rest ROC curves and AUCs, the confusion matrix and the permutation test.
///
/// Participants answered "indeterminate" are left out of the confusion matrix and the label metrics
/// (`coverage` says how many were decided) but count in the AUCs, which use the probabilities of all.
public struct EvaluationSummary: Sendable, Equatable, Codable {
    /// The method evaluated ("matcher", "biomarker", "cnn", ...).
    public var method: String
    /// How the predictions were obtained (e.g. "5-fold cross-validation stratified by participant").
    public var design: String
    /// The seed of the splits, bootstrap and permutations.
    public var seed: UInt64
    /// The class labels.
    public var classes: [String]
    /// The number of participants evaluated.
    public var participants: Int
    /// The number of participants with a decided (not indeterminate) prediction.
    public var decided: Int
    /// Accuracy over decided participants.
    public var accuracy: Estimate
    /// Accuracy of guessing (1 / number of classes).
    public var chanceAccuracy: Double
    /// Macro-averaged precision.
    public var macroPrecision: Estimate
    /// Macro-averaged recall.
    public var macroRecall: Estimate
    /// Macro-averaged F1.
    public var macroF1: Estimate
    /// The mean of the defined one-vs-rest AUCs.
    public var macroAUC: Estimate?
    /// Per-class metrics.
    public var perClass: [ClassSummary]
    /// The confusion matrix over decided participants.
    public var confusionMatrix: ConfusionMatrix
    /// One-vs-rest ROC curves.
    public var rocCurves: [ClassROC]
    /// The label-permutation test of the accuracy, when run.
    public var permutationTest: PermutationTestResult?
    /// The number of bootstrap resamples behind the intervals.
    public var bootstrapResamples: Int

    /// The share of participants with a decided prediction.
    public var coverage: Double { participants > 0 ? Double(decided) / Double(participants) : 0 }

    /// Summarizes out-of-sample `predictions` (one per participant, each with a probability per class).
    public init(
        method: String, design: String, classes: [String], predictions: [ParticipantPrediction],
        bootstrapResamples: Int = 2000, confidenceLevel: Double = 0.95, seed: UInt64,
        permutationTest: PermutationTestResult? = nil
    ) {
        for p in predictions {
            precondition(p.probabilities.count == classes.count, "participant \(p.participant) has \(p.probabilities.count) probabilities for \(classes.count) classes")
            precondition(classes.contains(p.truth), "participant \(p.participant) has unknown group \(p.truth)")
        }
        let n = classes.count
        let truthIndex = predictions.map { classes.firstIndex(of: $0.truth)! }

        // All metrics of a (re)sample of rows, in a fixed order: 5 overall, then 5 per class.
        func metrics(_ rows: [Int]) -> [Double?] {
            var matrix = ConfusionMatrix(classes: classes)
            for r in rows { if let predicted = predictions[r].predicted { matrix.add(truth: predictions[r].truth, predicted: predicted) } }
            let m = ClassificationMetrics(matrix)
            let curves = ROCCurve.oneVsRest(probabilities: rows.map { predictions[$0].probabilities },
                                            truth: rows.map { truthIndex[$0] }, classCount: n)
            let aucs = curves.map { $0?.auc }
            let defined = aucs.compactMap { $0 }
            let decidedAny = matrix.total > 0
            var values: [Double?] = [decidedAny ? m.accuracy : nil, decidedAny ? m.macroPrecision : nil,
                                     decidedAny ? m.macroRecall : nil, decidedAny ? m.macroF1 : nil,
                                     defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)]
            for k in 0..<n {
                let c = m.perClass[k]
                values += [decidedAny ? c.accuracy : nil, decidedAny ? c.precision : nil, decidedAny ? c.recall : nil,
                           decidedAny ? c.f1 : nil, aucs[k]]
            }
            return values
        }

        let allRows = Array(predictions.indices)
        let point = metrics(allRows)
        let bootstrap = ParticipantBootstrap(participantOfRow: predictions.map(\.participant), resamples: bootstrapResamples,
                                             level: confidenceLevel, seed: seed)
        let intervals = bootstrap.intervals(count: point.count, metrics)
        func estimate(_ k: Int) -> Estimate? { point[k].map { Estimate(value: $0, interval: intervals[k]) } }
        let zero = Estimate(value: 0, interval: nil)

        var matrix = ConfusionMatrix(classes: classes)
        for p in predictions { if let predicted = p.predicted { matrix.add(truth: p.truth, predicted: predicted) } }
        let classMetrics = ClassificationMetrics(matrix)

        self.method = method
        self.design = design
        self.seed = seed
        self.classes = classes
        participants = Set(predictions.map(\.participant)).count
        decided = predictions.filter { $0.predicted != nil }.count
        accuracy = estimate(0) ?? zero
        chanceAccuracy = 1 / Double(max(n, 1))
        macroPrecision = estimate(1) ?? zero
        macroRecall = estimate(2) ?? zero
        macroF1 = estimate(3) ?? zero
        macroAUC = estimate(4)
        perClass = (0..<n).map { k in
            ClassSummary(label: classes[k], support: classMetrics.perClass[k].support,
                         accuracy: estimate(5 + 5 * k) ?? zero, precision: estimate(6 + 5 * k) ?? zero,
                         recall: estimate(7 + 5 * k) ?? zero, f1: estimate(8 + 5 * k) ?? zero, auc: estimate(9 + 5 * k))
        }
        confusionMatrix = matrix
        let curves = ROCCurve.oneVsRest(probabilities: predictions.map(\.probabilities), truth: truthIndex, classCount: n)
        rocCurves = zip(classes, curves).map { ClassROC(label: $0, curve: $1) }
        self.permutationTest = permutationTest
        self.bootstrapResamples = bootstrapResamples
    }
}

// MARK: - Output

extension EvaluationSummary {
    /// A readable Markdown report of the summary.
    public var markdown: String {
        func format(_ e: Estimate?) -> String { e?.formatted() ?? "n/a" }
        let level = Int(((accuracy.interval?.level ?? 0.95) * 100).rounded())
        var lines = [
            "# Evaluation: \(method)",
            "",
            "- Design: \(design)",
            "- Participants: \(participants) (\(decided) decided, coverage \(String(format: "%.1f", 100 * coverage))%)",
            "- Seed: \(seed); \(bootstrapResamples) bootstrap resamples of participants, \(level)% percentile intervals",
            "  (the intervals resample the participants' out-of-sample predictions; they do not include the variability",
            "  of refitting the method, so for significance use the permutation test)",
            "",
            "| metric | value [\(level)% CI] |",
            "| --- | --- |",
            "| accuracy | \(format(accuracy)) (chance \(String(format: "%.3f", chanceAccuracy))) |",
            "| macro precision | \(format(macroPrecision)) |",
            "| macro recall | \(format(macroRecall)) |",
            "| macro F1 | \(format(macroF1)) |",
            "| macro AUC (one-vs-rest) | \(format(macroAUC)) |",
        ]
        if let test = permutationTest {
            lines += ["", String(format: "Label-permutation test: observed %.3f, p = %.4f (%d shuffles, %d at least as high).",
                                 test.observed, test.pValue, test.shuffles, test.atLeastObserved)]
        }
        lines += ["", "## Per class", "", "| class | n | accuracy | precision | recall | F1 | AUC |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for c in perClass {
            lines.append("| \(c.label) | \(c.support) | \(format(c.accuracy)) | \(format(c.precision)) | \(format(c.recall)) | \(format(c.f1)) | \(format(c.auc)) |")
        }
        lines += ["", "## Confusion matrix (rows: true, columns: predicted)", "",
                  "| true \\ predicted | " + classes.joined(separator: " | ") + " |",
                  "| --- |" + String(repeating: " --- |", count: classes.count)]
        for (k, label) in classes.enumerated() {
            lines.append("| \(label) | " + confusionMatrix.counts[k].map(String.init).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The one-vs-rest ROC curves in one chart, with the chance diagonal.
    public func rocChart() -> Image {
        var series: [LineChart.Series] = [
            LineChart.Series(name: "", points: [(0, 0), (1, 1)], color: [150, 150, 150], width: 1.5, dashed: true),
        ]
        for (k, roc) in rocCurves.enumerated() {
            guard let curve = roc.curve else { continue }
            series.append(LineChart.Series(
                name: "\(roc.label) (AUC \(String(format: "%.3f", curve.auc)))",
                points: Array(zip(curve.falsePositiveRates, curve.truePositiveRates)).map { (x: $0.0, y: $0.1) },
                color: LineChart.palette[k % LineChart.palette.count]))
        }
        return LineChart(title: "ROC curves, one class vs the rest", xLabel: "false positive rate", yLabel: "true positive rate",
                         xRange: 0...1, yRange: 0...1, series: series).render()
    }

    /// The confusion matrix as a heat map.
    public func confusionChart() -> Image {
        ConfusionMatrixChart(matrix: confusionMatrix, title: "Confusion matrix").render()
    }

    /// Writes `NAME.json`, `NAME.md`, `NAME-roc.png` and `NAME-confusion.png` into `folder` (atomically)
    /// and returns their URLs.
    @discardableResult
    public func write(to folder: URL, name: String = "evaluation") throws -> [URL] {
        let json = folder.appendingPathComponent("\(name).json")
        let markdownFile = folder.appendingPathComponent("\(name).md")
        let roc = folder.appendingPathComponent("\(name)-roc.png")
        let confusion = folder.appendingPathComponent("\(name)-confusion.png")
        try AtomicFile.write(try Self.encoder.encode(self), to: json)
        try AtomicFile.write(Data(markdown.utf8), to: markdownFile)
        try PNG.write(rocChart(), to: roc)
        try PNG.write(confusionChart(), to: confusion)
        return [json, markdownFile, roc, confusion]
    }

    /// Reads a summary written by `write(to:name:)`.
    public static func read(_ url: URL) throws -> EvaluationSummary {
        let data = try AtomicFile.read(url)
        do {
            return try decoder.decode(EvaluationSummary.self, from: data)
        } catch {
            throw FileError(url, "not an evaluation summary: \(error)")
        }
    }

    /// JSON with sorted keys; the ROC's +∞ threshold is written as the string "Infinity".
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}
