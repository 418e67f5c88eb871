import ArgumentParser
import Atlas
import FaceAtlasCore
import FaceModel
import Foundation
import Numerics
import ParameterFiles

extension BenchCommand {
    /// `faceatlas bench atlas`: building an atlas for a cohort the size of the Emoface training cohort.
    struct AtlasBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "atlas",
            abstract: "Time `atlas build` on generated parameter files (default: 353 participants × 5 stimuli × 300 frames).")
        @OptionGroup var options: ModelOptions
        @Option(help: "Participants (split 158:128:67 into MDD, BD, HC).") var subjects = 353
        @Option(help: "Frames per recording.") var frames = 300
        @Option(help: "Timing repetitions (the best is reported).") var repeats = 3
        @Option(help: "Threads (default: all cores).") var threads: Int?
        @Flag(help: "Print JSON.") var json = false

        struct Report: Codable {
            var subjects: Int, stimuli: Int, framesPerRecording: Int, recordings: Int
            var threads: Int
            var secondsBuild: Double, secondsWrite: Double, secondsTotal: Double
            var framesPerSecond: Double
        }

        func run() throws {
            try runReportingErrors {
                let (model, meta, _) = try options.load()
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-bench-atlas-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: folder) }
                let stimuli = ["happiness", "anger", "sadness", "fear", "neutral"]
                let counts = [("MDD", 158.0), ("BD", 128.0), ("HC", 67.0)].map { ($0.0, Int(($0.1 / 353 * Double(subjects)).rounded())) }
                var jobs: [(subject: String, group: String, stimulus: String, seed: UInt64)] = []
                var n = 0
                for (group, count) in counts {
                    for _ in 0..<count {
                        n += 1
                        for (s, stimulus) in stimuli.enumerated() { jobs.append((String(format: "S%04d", n), group, stimulus, UInt64(n * 10 + s))) }
                    }
                }
                let recordings = jobs
                let e = model.expressionCount
                let fileMeta = ParameterFile.Meta(modelID: meta.id, modelSHA256: meta.sha256, expressionNames: model.expressions.map(\.name),
                                                  camera: .init(model: "scaled-orthographic"), subject: "", stimulus: "", fps: 5,
                                                  source: "bench", detector: "none", fitterVersion: "bench", fitterSettings: [:])
                let frames = self.frames
                let files = jobs.map { folder.appendingPathComponent("\($0.subject)-\($0.stimulus).npz") }
                try AtomicFile.createFolder(folder)
                let generated: [String?] = Parallel.map(recordings.count) { i in
                    let job = recordings[i]
                    var rng = SeededGenerator(seed: job.seed)
                    let identity = (0..<model.identityCount).map { _ in Float(rng.nextGaussian()) }
                    let active = (0..<4).map { _ in Int(rng.nextUniform() * Double(e)) % e }
                    var m = fileMeta
                    m.subject = job.subject
                    m.stimulus = job.stimulus
                    let expression = (0..<frames).map { t -> [Float] in
                        var row = [Float](repeating: 0, count: e)
                        for (k, a) in active.enumerated() { row[a] = Float(0.5 + 0.5 * sin(Double(t) / 7 + Double(k))) }
                        return row
                    }
                    let file = ParameterFile(meta: m, shape: identity, expression: expression,
                                             pose: (0..<frames).map { t in [0, 0, 0, Float(t % 10) * 0.01, 0, 0] },
                                             camera: [[Float]](repeating: [4, 256, 256], count: frames),
                                             time: (0..<frames).map { Double($0) / 5 },
                                             confidence: [Float](repeating: 1, count: frames), residual: [Float](repeating: 1, count: frames),
                                             residualNME: [Float](repeating: 0.01, count: frames))
                    do { try file.write(to: files[i]) } catch { return "\(error)" }
                    return nil
                }
                if let error = generated.compactMap({ $0 }).first { throw UsageError("cannot generate the bench cohort: \(error)") }
                let manifest = try CohortManifest(entries: jobs.indices.map {
                    CohortManifest.Entry(subject: jobs[$0].subject, group: jobs[$0].group, stimulus: jobs[$0].stimulus, file: files[$0])
                })
                var best: (build: Double, write: Double)? = nil
                for _ in 0..<max(repeats, 1) {
                    let start = Date()
                    let result = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256, threads: threads).build(manifest)
                    let built = Date()
                    try Atlas.write(result, to: folder.appendingPathComponent("atlas"))
                    let timing = (built.timeIntervalSince(start), Date().timeIntervalSince(built))
                    if best == nil || timing.0 + timing.1 < best!.build + best!.write { best = timing }
                }
                let total = best!.build + best!.write
                let report = Report(subjects: n, stimuli: stimuli.count, framesPerRecording: frames, recordings: jobs.count,
                                    threads: threads ?? Parallel.coreCount, secondsBuild: best!.build, secondsWrite: best!.write,
                                    secondsTotal: total, framesPerSecond: Double(jobs.count * frames) / total)
                if json {
                    try printJSON(report)
                } else {
                    print(String(format: "atlas build: %d participants × %d stimuli × %d frames (%d recordings) in %.2f s (read and measure %.2f s, write %.2f s; %d threads)",
                                 n, stimuli.count, frames, jobs.count, total, best!.build, best!.write, report.threads))
                }
            }
        }
    }
}
