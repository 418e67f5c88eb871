import ArgumentParser
import Atlas
import Evaluation
import FaceAtlasCore
import Foundation
import Matching

/// `faceatlas evaluate`: out-of-sample accuracy of a method on a cohort, without leakage.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate the matcher or the biomarker classifier on a cohort with participant-level splits.",
        discussion: """
        Everything fitted (atlas, standardizer, references, temperature, threshold, classifier) is fitted on the \
        training participants of each split. Writes evaluation.json, evaluation.md, evaluation-roc.png, \
        evaluation-confusion.png and predictions.csv into --out.
        """)
    @Argument(help: "The cohort manifest (parameter files).")
    var manifest: String
    @Option(help: "matcher or biomarker.")
    var method: String = "matcher"
    @Option(help: "Cross-validation folds (default 5 unless --split is given).")
    var folds: Int?
    @Option(help: "A single split instead of folds, e.g. 7:2 (training:test) or 7:2:1.")
    var split: String?
    @Option(help: "Seed of the splits, bootstrap and permutations.")
    var seed: UInt64 = 1
    @Option(help: "Label permutations for the permutation test (0: none).")
    var permutations = 100
    @Option(help: "Bootstrap resamples for the confidence intervals.")
    var bootstrap = 2000
    @Option(help: "Matcher references: standard-face or member-mean.")
    var references: String = DynamicsMatcher.ReferenceMode.standardFace.rawValue
    @Option(help: "Matcher: indeterminate below the margin giving this training error rate.")
    var targetErrorRate: Double?
    @Option(help: "Output folder.")
    var out: String
    @OptionGroup var options: ModelOptions

    func run() throws {
        try runReportingErrors {
            let (model, meta, _) = try options.load()
            guard let m = CohortEvaluation.Method(rawValue: method) else {
                throw UsageError("--method takes \(CohortEvaluation.Method.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let design: CohortEvaluation.Design
            if let split {
                guard folds == nil else { throw UsageError("give --folds or --split, not both") }
                guard let ratio = SplitRatio(split) else { throw UsageError("--split takes a ratio such as 7:2 or 7:2:1") }
                design = .split(ratio)
            } else {
                let k = folds ?? 5
                guard k >= 2 else { throw UsageError("--folds must be at least 2") }
                design = .folds(k)
            }
            guard let mode = DynamicsMatcher.ReferenceMode(rawValue: references) else { throw UsageError("--references takes standard-face or member-mean") }
            let manifest = try CohortManifest.read(URL(fileURLWithPath: manifest))
            let reading = ProgressReporter("read", total: manifest.entries.count)
            let recordings = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).readRecordings(manifest, progress: reading)
            reading.finish()
            var evaluation = CohortEvaluation(model: model, modelID: meta.id, method: m, design: design, seed: seed)
            evaluation.referenceMode = mode
            evaluation.targetErrorRate = targetErrorRate
            evaluation.permutations = max(permutations, 0)
            evaluation.bootstrapResamples = bootstrap
            let progress = ProgressReporter("evaluate", total: 1 + max(permutations, 0))
            let (summary, predictions) = try evaluation.run(manifest, recordings: recordings, progress: progress)
            progress.finish()
            let folder = URL(fileURLWithPath: out)
            let written = try summary.write(to: folder)
            try AtomicFile.write(Data(PredictionTable.csv(predictions, classes: summary.classes).utf8), to: folder.appendingPathComponent("predictions.csv"))
            print(summary.headline)
            for url in written { print(url.path) }
        }
    }
}
