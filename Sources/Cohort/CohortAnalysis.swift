import Atlas
import Evaluation
import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Matching
import Mesh
import ParameterFiles

/// The cohort-level stages of a run, on the fitted parameter files: the atlas (with its matcher),
/// the evaluations of the matcher and the biomarker classifier, the teaching exports, the renders and
/// the report. Each stage is a ledger step keyed by the hash of its inputs, so a rerun redoes only
/// what changed.
public struct CohortAnalysis: Sendable {
    public let folder: URL
    public let model: FaceModel
    public let modelMeta: FaceModelFile.Meta
    public var folds = 5
    public var permutations = 100
    public var bootstrap = 2000
    public var seed: UInt64 = 1
    public var referenceMode: DynamicsMatcher.ReferenceMode = .standardFace
    public var renderSize = 512
    /// Format of the teaching faces (`exports/<group>-<stimulus>.<format>`).
    public var exportFormat: MeshFormat = .obj
    /// Where to write the report, by default `report.html` in the run folder.
    public var reportName = "report.html"

    public init(folder: URL, model: FaceModel, modelMeta: FaceModelFile.Meta) {
        self.folder = folder
        self.model = model
        self.modelMeta = modelMeta
    }

    /// What the analysis produced.
    public struct Outputs: Sendable {
        public var atlas: URL
        public var evaluations: [String: EvaluationSummary]
        public var exports: [URL]
        public var renders: [URL]
        public var report: URL
        public var skipped: [String]
        /// Stages that could not be computed on this cohort (too few participants or classes), with why.
        public var notComputed: [(step: String, reason: String)] = []
    }

    /// Runs every stage on `manifest` (the parameter files), skipping those the ledger has done.
    public func run(_ manifest: CohortManifest, ledger: RunLedger, failed: [(String, String)],
                    log: (String) -> Void = { print($0) }) throws -> Outputs {
        let paramsManifest = folder.appendingPathComponent("params/manifest.csv")
        try manifest.write(to: paramsManifest)
        let fileHashes = try manifest.entries.map { try Digest.sha256(file: $0.file) }
        let base = [modelMeta.sha256, manifest.csv(relativeTo: folder)] + fileHashes
        var skipped: [String] = []

        // Recordings are read once for every stage.
        let builder = AtlasBuilder(model: model, modelID: modelMeta.id, modelSHA256: modelMeta.sha256)
        let reading = ProgressReporter("read", total: manifest.entries.count)
        let recordings = try builder.readRecordings(manifest, progress: reading)
        reading.finish()

        // 1. Atlas and its matcher.
        let atlasFolder = folder.appendingPathComponent("atlas")
        let atlasInputs = RunLedger.fingerprint(base + ["atlas", referenceMode.rawValue])
        var atlasResult: AtlasBuilder.Result? = nil
        if ledger.isDone(step: "atlas", key: "cohort", inputs: atlasInputs) {
            skipped.append("atlas")
        } else {
            let start = Date()
            let result = try builder.build(manifest, recordings: recordings)
            try Atlas.write(result, to: atlasFolder)
            let groups = result.index.groups.map(\.name)
            if groups.count >= 2 {
                let matcher = try DynamicsMatcher.train(
                    encoder: DynamicsEncoder(model: model, stimuli: result.index.stimuli), modelID: modelMeta.id,
                    members: ParticipantRecordings.grouped(result.recordings), standardFaces: ParticipantRecordings.standardFaces(result),
                    groups: groups, mode: referenceMode)
                try matcher.write(to: atlasFolder.appendingPathComponent(DynamicsMatcher.fileName))
            }
            try ledger.record(step: "atlas", key: "cohort", inputs: atlasInputs, outputs: Self.files(in: atlasFolder),
                              seconds: Date().timeIntervalSince(start))
            atlasResult = result
            log("atlas: \(result.index.groups.count) groups, \(result.index.references.count) reference faces (\(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
        }
        let atlas = try Atlas.read(atlasFolder)

        // 2. Evaluations. On a pilot or a partial cohort a stage that cannot be computed (one group, a class with
        // too few participants for the folds) is named in the report and the run goes on.
        var notComputed: [(step: String, reason: String)] = []
        func attempt(_ step: String, _ body: () throws -> Void) throws {
            do {
                try body()
            } catch let error as FileError where error.kind != .badData {
                throw error  // a file that cannot be read or written is a failure of the run, not of the cohort
            } catch {
                notComputed.append((step, "\(error)"))
                log("\(step): not computed: \(error)")
            }
        }
        var evaluations: [String: EvaluationSummary] = [:]
        if atlas.index.groups.count < 2 {
            notComputed.append(("evaluations", "the cohort has \(atlas.index.groups.count) group; matching and classification need at least two"))
        } else {
            for method in CohortEvaluation.Method.allCases { try attempt("evaluate \(method.rawValue)") {
                let out = folder.appendingPathComponent("evaluation/\(method.rawValue)")
                let inputs = RunLedger.fingerprint(base + ["evaluate", method.rawValue, "\(folds)", "\(permutations)", "\(bootstrap)", "\(seed)", referenceMode.rawValue])
                if ledger.isDone(step: "evaluate", key: method.rawValue, inputs: inputs) {
                    evaluations[method.rawValue] = try EvaluationSummary.read(out.appendingPathComponent("evaluation.json"))
                    skipped.append("evaluate \(method.rawValue)")
                    return
                }
                let start = Date()
                let participants = Set(manifest.subjects).count
                var evaluation = CohortEvaluation(model: model, modelID: modelMeta.id, method: method,
                                                  design: .folds(min(folds, max(2, participants / max(atlas.index.groups.count, 1)))), seed: seed)
                evaluation.referenceMode = referenceMode
                evaluation.permutations = permutations
                evaluation.bootstrapResamples = bootstrap
                let progress = ProgressReporter("evaluate \(method.rawValue)", total: 1 + permutations)
                let (summary, predictions) = try evaluation.run(manifest, recordings: recordings, progress: progress)
                progress.finish()
                var written = try summary.write(to: out)
                let table = out.appendingPathComponent("predictions.csv")
                try AtomicFile.write(Data(PredictionTable.csv(predictions, classes: summary.classes).utf8), to: table)
                written.append(table)
                try ledger.record(step: "evaluate", key: method.rawValue, inputs: inputs, outputs: written, seconds: Date().timeIntervalSince(start))
                evaluations[method.rawValue] = summary
                log(String(format: "evaluate %@: done (%.1f s)", method.rawValue, Date().timeIntervalSince(start)))
            } }
        }

        // 3. Teaching exports and 4. renders.
        let exportsFolder = folder.appendingPathComponent("exports")
        let exportInputs = RunLedger.fingerprint(base + ["exports", exportFormat.rawValue])
        var exports: [URL] = []
        if ledger.isDone(step: "exports", key: "cohort", inputs: exportInputs) {
            skipped.append("exports")
            exports = ledger.last(step: "exports", key: "cohort")!.outputs.keys.sorted().map { folder.appendingPathComponent($0) }
        } else { try attempt("exports") {
            let start = Date()
            for r in atlas.index.references {
                var export = ReferenceExport(format: exportFormat)
                export.detail = .maps
                let url = exportsFolder.appendingPathComponent("\(AtlasBuilder.fileSafe(r.group))-\(AtlasBuilder.fileSafe(r.stimulus)).\(exportFormat.rawValue)")
                exports += try export.write(try atlas.reference(group: r.group, stimulus: r.stimulus), atlas: atlas, model: model, to: url)
            }
            try ledger.record(step: "exports", key: "cohort", inputs: exportInputs, outputs: exports, seconds: Date().timeIntervalSince(start))
        } }
        let rendersFolder = folder.appendingPathComponent("renders")
        let renderInputs = RunLedger.fingerprint(base + ["renders", "\(renderSize)"])
        var renders: [URL] = []
        if ledger.isDone(step: "renders", key: "cohort", inputs: renderInputs) {
            skipped.append("renders")
            renders = ledger.last(step: "renders", key: "cohort")!.outputs.keys.sorted().map { folder.appendingPathComponent($0) }
        } else { try attempt("renders") {
            let start = Date()
            let rendering = ReferenceRendering(atlas: atlas, model: model, size: renderSize)
            let sheet = rendersFolder.appendingPathComponent("comparison.png")
            try PNG.write(try rendering.comparisonSheet(), to: sheet)
            renders.append(sheet)
            for (a, b) in GroupComparison.pairs(of: atlas.index.groups.map(\.name)) {
                let url = rendersFolder.appendingPathComponent("heatmap-\(AtlasBuilder.fileSafe(a))-\(AtlasBuilder.fileSafe(b)).png")
                try PNG.write(try rendering.regionHeatmap(a, b), to: url)
                renders.append(url)
            }
            try ledger.record(step: "renders", key: "cohort", inputs: renderInputs, outputs: renders, seconds: Date().timeIntervalSince(start))
        } }

        // 5. The report (always rewritten: it is cheap and names the run's state).
        let report = folder.appendingPathComponent(reportName)
        let html = try CohortReport(atlas: atlas, model: model, recordings: recordings, evaluations: evaluations,
                                    renders: renders, failed: failed, notComputed: notComputed.map { ($0.step, $0.reason) },
                                    atlasResult: atlasResult).html()
        try AtomicFile.write(Data(html.utf8), to: report)
        return Outputs(atlas: atlasFolder, evaluations: evaluations, exports: exports, renders: renders, report: report, skipped: skipped,
                       notComputed: notComputed)
    }

    /// Every regular file under `folder`, recursively.
    static func files(in folder: URL) -> [URL] {
        guard let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return e.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.path < $1.path }
    }
}
