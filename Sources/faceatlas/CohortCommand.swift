import ArgumentParser
import Atlas
import Cohort
import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Matching
import Mesh

/// `faceatlas cohort run|merge`: the batch pipeline from videos or landmarks to the report.
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Run a whole cohort: track, fit, atlas, evaluation, teaching exports and an HTML report (resumable, shardable).",
        subcommands: [Run.self, Merge.self])

    /// Options of the cohort-level analysis, shared by run and merge.
    struct AnalysisOptions: ParsableArguments {
        @Option(help: "Cross-validation folds of the evaluations.") var folds = 5
        @Option(help: "Label permutations of the evaluations' permutation tests.") var permutations = 100
        @Option(help: "Bootstrap resamples for the confidence intervals.") var bootstrap = 2000
        @Option(help: "Seed of splits, bootstrap and permutations.") var seed: UInt64 = 1
        @Option(help: "Matcher references: standard-face or member-mean.") var references = DynamicsMatcher.ReferenceMode.standardFace.rawValue
        @Option(help: "Format of the teaching faces (obj, ply, stl, gltf, glb, fbx).") var exportFormat = "obj"

        func analysis(folder: URL, model: FaceModelBundle) throws -> CohortAnalysis {
            var a = CohortAnalysis(folder: folder, model: model.model, modelMeta: model.meta)
            a.folds = folds
            a.permutations = max(permutations, 0)
            a.bootstrap = bootstrap
            a.seed = seed
            guard let mode = DynamicsMatcher.ReferenceMode(rawValue: references) else { throw UsageError("--references takes standard-face or member-mean") }
            a.referenceMode = mode
            guard let format = MeshFormat(rawValue: exportFormat) else { throw UsageError("unknown --export-format '\(exportFormat)'") }
            a.exportFormat = format
            return a
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Process a cohort manifest (files: videos or landmark sequences) into RUN_DIR.",
            discussion: """
            Steps already done with the same inputs are skipped (RUN_DIR/ledger*.jsonl), so an interrupted run resumes. \
            A participant that fails is reported and the others go on. With --shard K/N only every N-th participant \
            (starting at the K-th) is fitted; when every shard has finished, `faceatlas cohort merge RUN_DIR MANIFEST` \
            builds the atlas, the evaluations and the report (see README for a Slurm array job).
            """)
        @Argument(help: "The cohort manifest (subject, group, stimulus, file[, weight, onset, scores]).") var manifest: String
        @Option(help: "The run folder.") var out: String
        @Option(help: "Participants fitted at once (default: all cores).") var jobs: Int?
        @Option(help: "Fit only shard K of N (K/N).") var shard: String?
        @Option(help: "Frames per second sampled from videos (5, 10, 15).") var fps = 5.0
        @OptionGroup var analysisOptions: AnalysisOptions
        @OptionGroup var options: ModelOptions

        func run() throws {
            try runReportingErrors {
                let bundle = try FaceModelBundle(options)
                let manifest = try CohortManifest.read(URL(fileURLWithPath: manifest))
                let folder = URL(fileURLWithPath: out)
                var run = CohortRun(manifest: manifest, folder: folder, model: bundle.model, modelMeta: bundle.meta)
                run.fps = fps
                if let jobs { run.jobs = max(1, jobs) }
                if let shard { run.shard = try CohortRun.Shard(shard) }
                let ledger = try RunLedger(folder: folder, fileName: run.shard?.ledgerName ?? "ledger.jsonl")
                let start = Date()
                let progress = ProgressReporter("fit", total: run.participants.count)
                let outcomes = run.fitParticipants(ledger: ledger, progress: progress)
                progress.finish()
                let count = { (s: CohortRun.Outcome.Status) in outcomes.filter { $0.status == s }.count }
                print(String(format: "fit: %d participants fitted, %d already done, %d failed (%.1f s)",
                             count(.fitted), count(.skipped), count(.failed), Date().timeIntervalSince(start)))
                for o in outcomes where o.status == .failed { print("  failed \(o.subject): \(o.message ?? "")") }
                if let shard = run.shard {
                    print("shard \(shard) done; when all shards are done: faceatlas cohort merge \(folder.path) \(self.manifest)")
                    return
                }
                try analyse(run: run, ledger: ledger, bundle: bundle, options: analysisOptions, start: start)
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the shards of a run (their ledgers in RUN_DIR) and build the atlas, evaluations, exports and report.")
        @Argument(help: "The run folder the shards wrote into.") var runFolder: String
        @Argument(help: "The cohort manifest the shards ran.") var manifest: String
        @OptionGroup var analysisOptions: AnalysisOptions
        @OptionGroup var options: ModelOptions

        func run() throws {
            try runReportingErrors {
                let bundle = try FaceModelBundle(options)
                let manifest = try CohortManifest.read(URL(fileURLWithPath: manifest))
                let folder = URL(fileURLWithPath: runFolder)
                let run = CohortRun(manifest: manifest, folder: folder, model: bundle.model, modelMeta: bundle.meta)
                let ledger = try RunLedger(folder: folder, fileName: "ledger.jsonl")
                try analyse(run: run, ledger: ledger, bundle: bundle, options: analysisOptions, start: Date())
            }
        }
    }
}

/// The model and its header, loaded once.
struct FaceModelBundle {
    var model: FaceModel
    var meta: FaceModelFile.Meta
    init(_ options: ModelOptions) throws {
        let (m, meta, _) = try options.load()
        model = m
        self.meta = meta
    }
}

/// The cohort-level stages of `run`, once every participant is fitted or failed.
func analyse(run: CohortRun, ledger: RunLedger, bundle: FaceModelBundle, options: CohortCommand.AnalysisOptions, start: Date) throws {
    let (params, missing, failed) = try run.parameterManifest(ledger: ledger)
    guard missing.isEmpty else {
        throw UsageError("\(missing.count) participants are not fitted yet (\(missing.prefix(5).joined(separator: ", "))\(missing.count > 5 ? ", …" : "")); run the remaining shards first")
    }
    guard !params.entries.isEmpty else { throw UsageError("no participant was fitted; see the failures above") }
    let analysis = try options.analysis(folder: run.folder, model: bundle)
    let outputs = try analysis.run(params, ledger: ledger, failed: failed)
    if !outputs.skipped.isEmpty { print("already done: \(outputs.skipped.joined(separator: ", "))") }
    print("parameter files  \(run.folder.appendingPathComponent("params").path) (manifest: params/manifest.csv)")
    print("atlas            \(outputs.atlas.path)")
    print("teaching faces   \(run.folder.appendingPathComponent("exports").path) (\(outputs.exports.filter { $0.pathExtension == analysis.exportFormat.rawValue }.count) files)")
    print("renders          \(run.folder.appendingPathComponent("renders").path)")
    print("evaluation       \(run.folder.appendingPathComponent("evaluation").path)")
    print("report           \(outputs.report.path)")
    for (_, summary) in outputs.evaluations.sorted(by: { $0.key > $1.key }) { print(summary.headline) }
    print(String(format: "cohort run finished in %.1f s", Date().timeIntervalSince(start)))
}
