import ArgumentParser
import FaceAtlasCore
import Foundation
import NeuralNet
import TFLiteFormat
import TFLiteInference

extension BenchCommand {
    /// `faceatlas bench mediapipe`: inference time of MediaPipe's face models on FaceAtlas's TFLite interpreter.
    struct MediaPipeBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mediapipe",
            abstract: "Time MediaPipe's face models (BlazeFace, Face Mesh, Iris) on FaceAtlas's TFLite interpreter.",
            discussion: "Models from --models (default Templates/build/mediapipe, filled by scripts/fetch-mediapipe). Run from a release build.")

        @Option(help: "The folder of the .tflite models.") var models: String?
        @Option(help: "Timed runs per model (after one warm-up run).") var runs = 20
        @Flag(help: "Print JSON.") var json = false

        struct Figure: Encodable {
            var model: String
            var input: [Int]
            var loadMilliseconds: Double
            var medianMilliseconds: Double
            var minimumMilliseconds: Double
            var runsPerSecond: Double
        }

        struct Report: Encodable { var threads: Int; var figures: [Figure] }

        func run() throws {
            try runReportingErrors {
                let folder = models.map { URL(fileURLWithPath: $0) } ?? ProjectPaths.mediaPipeModels
                var figures: [Figure] = []
                for name in ["face_detection_short_range", "face_landmark", "iris_landmark"] {
                    let url = folder.appendingPathComponent("\(name).tflite")
                    guard FileManager.default.fileExists(atPath: url.path) else {
                        throw FileError(url, "is missing: run scripts/fetch-mediapipe")
                    }
                    let start = DispatchTime.now()
                    let interpreter = try TFLiteInterpreter(model: try TFLiteModel(contentsOf: url))
                    let load = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
                    let size = interpreter.inputShapes[0].reduce(1, *)
                    let input = (0..<size).map { Float(($0 * 7919) % 255) / 127.5 - 1 }
                    _ = try interpreter.run([input])
                    var times: [Double] = []
                    for _ in 0..<max(1, runs) {
                        let t0 = DispatchTime.now()
                        _ = try interpreter.run([input])
                        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6)
                    }
                    times.sort()
                    let median = times[times.count / 2]
                    figures.append(Figure(model: name, input: interpreter.inputShapes[0], loadMilliseconds: load,
                                          medianMilliseconds: median, minimumMilliseconds: times[0], runsPerSecond: 1000 / median))
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(Report(threads: ComputeThreads.count, figures: figures)), as: UTF8.self))
                } else {
                    for f in figures {
                        print(String(format: "%-28@ %@  load %.1f ms  median %.2f ms  min %.2f ms  %.0f runs/s",
                                     f.model as NSString, "\(f.input)" as NSString, f.loadMilliseconds, f.medianMilliseconds, f.minimumMilliseconds, f.runsPerSecond))
                    }
                }
            }
        }
    }
}
