import ArgumentParser
import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Landmarks

extension BenchCommand {
    /// `faceatlas bench startup`: what one short command costs before and around its work — loading the default
    /// model in a process, and a whole `faceatlas fit` process on one image's landmarks.
    struct StartupBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "startup",
            abstract: "Time loading the default model and a whole single-image 'faceatlas fit' process.",
            discussion: """
                Model load: the median of --runs loads in this process (the first load, which verifies every array's \
                SHA-256 and records the verified file, is reported apart). Fit process: the median wall time of --runs \
                runs of 'faceatlas fit' on one face's 68 landmarks (made from the model, written to a temporary \
                folder). Run from a release build.
                """)

        @OptionGroup var modelOptions: ModelOptions
        @Option(help: "Timed runs of each measurement.") var runs = 15
        @Flag(help: "Print JSON.") var json = false

        struct Report: Encodable {
            var firstLoadMilliseconds: Double
            var medianLoadMilliseconds: Double
            var medianFitProcessMilliseconds: Double
            var minimumFitProcessMilliseconds: Double
            /// A process that only prints the version: the floor every command pays (loading and linking).
            var medianVersionProcessMilliseconds: Double
            var runs: Int
            var modelID: String
        }

        func run() throws {
            try runReportingErrors {
                let runs = max(1, self.runs)
                let t0 = DispatchTime.now()
                let (model, meta, _) = try modelOptions.load()
                let first = milliseconds(since: t0)
                var loads: [Double] = []
                for _ in 0..<runs {
                    let t = DispatchTime.now()
                    _ = try modelOptions.load()
                    loads.append(milliseconds(since: t))
                }
                // One face's landmarks, as a detector would give them.
                var options = SyntheticSequenceGenerator.Options()
                options.frames = 1
                options.missingFraction = 0
                let (_, truth) = SyntheticSequenceGenerator(rows: LandmarkRows(model: model), options: options).make(seed: 7)
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-startup-\(UUID().uuidString)")
                try AtomicFile.createFolder(folder)
                defer { try? FileManager.default.removeItem(at: folder) }
                let input = folder.appendingPathComponent("face.csv")
                let frame = LandmarkFrame(time: 0, points: truth.cleanLandmarks[0].map { SIMD2($0.x, $0.y) }, isValid: true)
                try LandmarkIO.write(LandmarkSequence(frames: [frame], source: "bench startup"), to: input, format: .csv)
                let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                var arguments = ["fit", input.path, "--out", folder.appendingPathComponent("face.npz").path, "--threads", "1"]
                if let path = modelOptions.model { arguments += ["--model", path] }
                func timedRuns(_ arguments: [String]) throws -> [Double] {
                    var times: [Double] = []
                    for _ in 0...runs {  // the first run warms the file cache and is not counted
                        // posix_spawn and waitpid: Foundation's Process adds tens of milliseconds of its own.
                        let t = DispatchTime.now()
                        let status = try spawnAndWait(executable.path, arguments)
                        times.append(milliseconds(since: t))
                        guard status == 0 else {
                            throw CommandFailure(message: "faceatlas \(arguments[0]) exited with status \(status)", status: EXIT_FAILURE)
                        }
                    }
                    return Array(times.dropFirst())
                }
                let fits = try timedRuns(arguments)
                let versions = try timedRuns(["--version"])
                let report = Report(firstLoadMilliseconds: first, medianLoadMilliseconds: median(loads),
                                    medianFitProcessMilliseconds: median(fits), minimumFitProcessMilliseconds: fits.min() ?? 0,
                                    medianVersionProcessMilliseconds: median(versions), runs: runs, modelID: meta.id)
                if json {
                    try printJSON(report)
                } else {
                    print(String(format: "model load: first %.1f ms, then median %.1f ms (%@)", first, report.medianLoadMilliseconds, meta.id))
                    print(String(format: "fit process (one image): median %.1f ms, fastest %.1f ms", report.medianFitProcessMilliseconds,
                                 report.minimumFitProcessMilliseconds))
                    print(String(format: "version process (start-up floor): median %.1f ms", report.medianVersionProcessMilliseconds))
                }
            }
        }

        /// Runs `path` with `arguments` (output to /dev/null) and returns its exit status.
        func spawnAndWait(_ path: String, _ arguments: [String]) throws -> Int32 {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([path] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
            guard spawned == 0 else {
                throw CommandFailure(message: "cannot start \(path): \(String(cString: strerror(spawned)))", status: EXIT_FAILURE)
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }

        func milliseconds(since start: DispatchTime) -> Double {
            Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        }

        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
    }
}
