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

    func run(_ folder: URL, shard: String? = nil, manifest: CohortManifest? = nil) throws -> CohortRun {
        let manifest = try manifest ?? Self.cohort.get().manifest
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

    /// A pilot (one MDD and two BD participants) gets its report: what could not be computed is named there, and
    /// the run does not fail.
    @Test func aPilotGetsAReportThatSaysWhatCouldNotBeComputed() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try Fixture.generator(groups: "MDD:1,BD:2", frames: 12, stimuli: 2, seed: 9).write(to: folder.appendingPathComponent("pilot"), quiet: true)
        let manifest = try CohortManifest.read(summary.manifest)
        let (model, meta) = try Fixture.model.get()
        let runFolder = folder.appendingPathComponent("run")
        let run = CohortRun(manifest: manifest, folder: runFolder, model: model, modelMeta: meta)
        let ledger = try RunLedger(folder: runFolder)
        let outcomes = run.fitParticipants(ledger: ledger)
        #expect(outcomes.count == 3 && outcomes.allSatisfy { $0.status == .fitted })
        let (params, _, failed) = try run.parameterManifest(ledger: ledger)
        var analysis = CohortAnalysis(folder: runFolder, model: model, modelMeta: meta)
        analysis.folds = 2
        analysis.permutations = 2
        analysis.bootstrap = 20
        analysis.renderSize = 96
        let outputs = try analysis.run(params, ledger: ledger, failed: failed, log: { _ in })
        #expect(outputs.notComputed.contains { $0.step == "evaluate biomarker" }, "\(outputs.notComputed)")
        let html = try String(contentsOf: outputs.report, encoding: .utf8)
        #expect(html.contains("Not computed on this cohort") && html.contains("evaluate biomarker"))
        #expect(FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("atlas/atlas.json").path))
    }

    @Test func fitsEveryParticipantResumesAndIsolatesAFailure() throws {
        // A private copy of the inputs: this test damages one, and other suites read the shared cohort meanwhile.
        let (base, _) = try Self.cohort.get()
        let inputs = base.appendingPathComponent("run-inputs")
        try? FileManager.default.removeItem(at: inputs)
        try FileManager.default.copyItem(at: base.appendingPathComponent("cohort"), to: inputs)
        let manifest = try CohortManifest.read(inputs.appendingPathComponent("manifest.csv"))
        func run(_ folder: URL) throws -> CohortRun { try self.run(folder, manifest: manifest) }
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

/// `faceatlas au-stats` on fitted parameter files and on OpenFace 2.0 CSVs.
@Suite struct ActionUnitStatsCommandTests {
    @Test func findsAnActionUnitThatFollowsTheScoreInOpenFaceFiles() throws {
        let folder = Fixture.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rows = ["subject,group,stimulus,file,HAMD"]
        for i in 0..<8 {
            let score = Double(4 + 3 * i)
            var csv = "frame, face_id, timestamp, confidence, success, AU01_r, AU12_r, AU01_c, AU12_c\n"
            for f in 0..<20 {
                let au1 = score / 30 + 0.1 * sin(Double(f + i)), au12 = 0.5 + 0.2 * cos(Double(3 * f + i))
                csv += "\(f + 1), 0, \(Double(f) / 5), 0.98, \(f == 7 ? 0 : 1), \(au1), \(au12), \(au1 > 0.5 ? 1 : 0), 1\n"
            }
            try Data(csv.utf8).write(to: folder.appendingPathComponent("p\(i).csv"))
            rows.append("P\(i),\(i % 2 == 0 ? "MDD" : "HC"),happiness,p\(i).csv,\(score)")
        }
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("manifest.csv"))
        let out = folder.appendingPathComponent("stats")
        let printed = try FaceAtlasCLI.run(["au-stats", folder.appendingPathComponent("manifest.csv").path, "--score", "HAMD",
                                            "--source", "openface", "--out", out.path])
        #expect(printed.contains("8 participants"))
        let correlations = try String(contentsOf: out.appendingPathComponent("au-stats-correlations.csv"), encoding: .utf8)
        let header = correlations.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let au = header.firstIndex(of: "action_unit") ?? 0, measure = header.firstIndex(of: "measure") ?? 1
        let r = header.firstIndex { $0.hasPrefix("pearson_r") || $0 == "pearson" }!
        let row = correlations.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .first { $0[au] == "AU01" && $0[measure] == "mean" }!
        #expect(Double(row[r])! > 0.95)
        #expect(throws: TestProcess.Failure.self) {
            try FaceAtlasCLI.run(["au-stats", folder.appendingPathComponent("manifest.csv").path, "--score", "YMRS", "--out", out.path])
        }
    }

    @Test func readsFittedParameterFiles() throws {
        let (folder, _) = try CohortRunTests.analysed.get()
        let out = folder.appendingPathComponent("au-stats")
        let printed = try FaceAtlasCLI.run(["au-stats", folder.appendingPathComponent("params/manifest.csv").path, "--score", "HAMD",
                                            "--out", out.path, "--model", Fixture.root.appendingPathComponent("Templates/build/default-model.npz").path])
        #expect(printed.contains("6 participants"))
        let participants = try String(contentsOf: out.appendingPathComponent("au-stats-participants.csv"), encoding: .utf8)
        #expect(participants.contains("AU12") && participants.contains("AU26"))
        #expect(participants.split(separator: "\n").count == 7)
    }
}
