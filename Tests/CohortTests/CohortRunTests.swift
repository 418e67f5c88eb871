import Atlas
import Cohort
import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Imaging
import ParameterFiles
import Testing

/// The batch run: joint fits per participant with resume and failure isolation, shards merged into one
/// analysis, and the report checked in a real browser.
@Suite(.serialized) struct CohortRunTests {
    /// A generated cohort (6 participants, 2 stimuli, 20 frames) and its manifest.
    static let cohort: Result<(folder: URL, manifest: CohortManifest), Error> = Result {
        let folder = Fixture.temporaryFolder()
        let summary = try Fixture.generator(groups: "MDD:2,BD:2,HC:2", frames: 20, stimuli: 2, seed: 5).write(to: folder.appendingPathComponent("cohort"), quiet: true)
        return (folder, try CohortManifest.read(summary.manifest))
    }

    func run(_ folder: URL, shard: String? = nil) throws -> CohortRun {
        let (_, manifest) = try Self.cohort.get()
        let (model, meta) = try Fixture.model.get()
        var run = CohortRun(manifest: manifest, folder: folder, model: model, modelMeta: meta)
        run.jobs = 2
        if let shard { run.shard = try CohortRun.Shard(shard) }
        return run
    }

    /// Shards 1/2 and 2/2 fitted into one folder, then the analysis: shared by the tests below.
    static let analysed: Result<(folder: URL, outputs: CohortAnalysis.Outputs), Error> = Result {
        let (base, manifest) = try cohort.get()
        let (model, meta) = try Fixture.model.get()
        let folder = base.appendingPathComponent("sharded")
        for k in 1...2 {
            var run = CohortRun(manifest: manifest, folder: folder, model: model, modelMeta: meta)
            run.shard = try CohortRun.Shard("\(k)/2")
            let outcomes = run.fitParticipants(ledger: try RunLedger(folder: folder, fileName: run.shard!.ledgerName))
            guard outcomes.count == 3, outcomes.allSatisfy({ $0.status == .fitted }) else { throw UsageError("shard \(k): \(outcomes)") }
        }
        let run = CohortRun(manifest: manifest, folder: folder, model: model, modelMeta: meta)
        let ledger = try RunLedger(folder: folder)
        let (params, missing, failed) = try run.parameterManifest(ledger: ledger)
        guard missing.isEmpty, failed.isEmpty, params.entries.count == 12 else { throw UsageError("merge: missing \(missing), failed \(failed)") }
        var analysis = CohortAnalysis(folder: folder, model: model, modelMeta: meta)
        analysis.folds = 2
        analysis.permutations = 3
        analysis.bootstrap = 100
        analysis.renderSize = 128
        return (folder, try analysis.run(params, ledger: ledger, failed: failed, log: { _ in }))
    }

    @Test func fitsEveryParticipantResumesAndIsolatesAFailure() throws {
        let (base, manifest) = try Self.cohort.get()
        let folder = base.appendingPathComponent("run")
        let first = try run(folder).fitParticipants(ledger: try RunLedger(folder: folder))
        #expect(first.map(\.status) == [CohortRun.Outcome.Status](repeating: .fitted, count: 6))
        let r = try run(folder)
        for e in manifest.entries {
            let file = try ParameterFile.read(r.parameterFile(subject: e.subject, stimulus: e.stimulus))
            #expect(file.frameCount == 20 && file.meta.subject == e.subject && file.meta.stimulus == e.stimulus)
        }
        // The same participants share one identity (fitted jointly).
        let a = try ParameterFile.read(r.parameterFile(subject: manifest.subjects[0], stimulus: manifest.stimuli[0]))
        let b = try ParameterFile.read(r.parameterFile(subject: manifest.subjects[0], stimulus: manifest.stimuli[1]))
        #expect(a.shape == b.shape)

        // A second run does nothing.
        let second = try run(folder).fitParticipants(ledger: try RunLedger(folder: folder))
        #expect(second.allSatisfy { $0.status == .skipped })

        // A damaged input fails its participant only; a damaged output is redone.
        let victim = manifest.entries[0]
        let saved = try Data(contentsOf: victim.file)
        try Data("not a landmark file".utf8).write(to: victim.file)
        defer { try? saved.write(to: victim.file) }
        try Data("damaged".utf8).write(to: r.parameterFile(subject: manifest.subjects[1], stimulus: manifest.stimuli[0]))
        let third = try run(folder).fitParticipants(ledger: try RunLedger(folder: folder))
        #expect(third[0].status == .failed && third[0].message!.contains(victim.file.lastPathComponent))
        #expect(third[1].status == .fitted)
        #expect(third[2...].allSatisfy { $0.status == .skipped })
        let (params, missing, failed) = try run(folder).parameterManifest(ledger: try RunLedger(folder: folder))
        #expect(missing.isEmpty && failed.map(\.0) == [victim.subject])
        #expect(Set(params.subjects) == Set(manifest.subjects.dropFirst()))
    }

    @Test func shardsMergeIntoOneAnalysisThatResumes() throws {
        let (folder, outputs) = try Self.analysed.get()
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ledger-shard-1-of-2.jsonl").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ledger-shard-2-of-2.jsonl").path))
        let atlas = try Atlas.read(outputs.atlas)
        #expect(atlas.index.groups.map(\.name) == ["MDD", "BD", "HC"] && atlas.index.references.count == 6)
        #expect(Set(outputs.evaluations.keys) == ["matcher", "biomarker"])
        #expect(outputs.exports.filter { $0.pathExtension == "obj" }.count == 6)
        #expect(outputs.skipped.isEmpty)
        // Running the analysis again skips every stage.
        let (model, meta) = try Fixture.model.get()
        var analysis = CohortAnalysis(folder: folder, model: model, modelMeta: meta)
        analysis.folds = 2
        analysis.permutations = 3
        analysis.bootstrap = 100
        analysis.renderSize = 128
        let ledger = try RunLedger(folder: folder)
        let params = try CohortManifest.read(folder.appendingPathComponent("params/manifest.csv"))
        let again = try analysis.run(params, ledger: ledger, failed: [], log: { _ in })
        #expect(again.skipped == ["atlas", "evaluate matcher", "evaluate biomarker", "exports", "renders"])
    }

    /// Loads a page in Debian's headless Chromium; returns its console messages and a screenshot.
    func browse(_ page: URL, height: Int = 3000) throws -> (console: [String], screenshot: Image) {
        let shot = Fixture.temporaryFolder().appendingPathExtension("png")
        let script = "chromium-headless-shell --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 "
            + "--window-size=1280,\(height) --screenshot=\(shot.path) file://\(page.path) 2>&1"
        let log = try TestProcess.run(["sh", "-c", script], timeout: 120)
        return (log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init), try PNG.read(shot))
    }

    @Test func theReportLoadsInABrowserWithoutConsoleErrorsAndIsNotBlank() throws {
        // The check itself sees console errors.
        let broken = Fixture.temporaryFolder().appendingPathExtension("html")
        try Data("<html><body><script>console.error('boom'); missing();</script></body></html>".utf8).write(to: broken)
        #expect(try browse(broken, height: 200).console.count == 2)

        let (_, outputs) = try Self.analysed.get()
        let html = try String(contentsOf: outputs.report, encoding: .utf8)
        #expect(!html.contains("src=\"http") && !html.contains("<script"), "self-contained, no scripts")
        #expect(html.contains("data:image/png;base64,"))
        for section in ["Cohort", "Classification", "Reference faces", "Region heatmaps", "Organ motion energy",
                        "Action-unit profiles", "ROC and confusion matrix", "dynamics-embedding space", "Largest biomarker differences"] {
            #expect(html.contains(section), "\(section)")
        }
        let (console, screenshot) = try browse(outputs.report)
        #expect(console.isEmpty, "\(console)")
        // Not blank: many distinct grey levels, and dark text on the page.
        var levels = Set<UInt8>()
        var dark = 0
        for i in stride(from: 0, to: screenshot.pixels.count, by: screenshot.channels) {
            levels.insert(screenshot.pixels[i])
            if screenshot.pixels[i] < 60 { dark += 1 }
        }
        #expect(levels.count > 100 && dark > 1000)
    }
}
