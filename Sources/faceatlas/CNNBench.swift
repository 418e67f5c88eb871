import ArgumentParser
import Diagnosis
import FaceAtlasCore
import Foundation
import NeuralNet
import Numerics

extension BenchCommand {
    /// `faceatlas bench cnn`: the diagnoser's inference and training speed on random 224×224 images.
    struct CNNBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cnn",
            abstract: "Diagnoser (ResNet-18 + attention) speed: inference at batch 1 and 32, training at batch 32.",
            discussion: "Uses random weights and images; build with -c release. Runs on OPENBLAS_NUM_THREADS threads (all cores by default).")
        @Option(help: "Input side in pixels.") var inputSize = 224
        @Option(help: "ResNet-18 base width (64 as torchvision).") var width = 64
        @Option(help: "Seconds to spend on each measurement (at least two runs each; the fastest counts).") var seconds = 5.0
        @Option(help: "Training batch size.") var trainBatch = 32
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Also time every inference layer of the backbone at batch 1 and 32 (milliseconds per image).") var layers = false

        struct Report: Codable {
            var inputSize: Int, width: Int, threads: Int
            var inferenceImagesPerSecondBatch1: Double
            var inferenceImagesPerSecondBatch32: Double
            var trainingImagesPerSecondBatch32: Double
            var trainingBatch: Int
            /// Images per CPU second (all threads): less sensitive to other processes than wall-clock rates.
            var inferenceImagesPerCPUSecondBatch1: Double
            var inferenceImagesPerCPUSecondBatch32: Double
            var trainingImagesPerCPUSecondBatch32: Double
            var peakMemoryMB: Double
            /// Peak resident memory after the inference measurements, before training.
            var peakMemoryInferenceMB: Double
            /// With `--layers`: milliseconds (wall clock) per image of each inference layer, at batch 1 and 32.
            var layers: [LayerTime]?
        }

        /// One inference layer's time per image.
        struct LayerTime: Codable {
            var layer: String
            var shape: String
            var millisecondsBatch1: Double
            var millisecondsBatch32: Double
        }

        /// Each inference layer of `network` timed on its own: the fastest of several runs, in milliseconds per image
        /// (wall clock), for the activations that `one` (batch 1) and `many` (batch 32) produce.
        func timeLayers(_ network: ResNet18, one: Tensor, many: Tensor) -> [LayerTime] {
            var steps: [(name: String, run: (Tensor) -> Tensor)] = [
                ("conv1+bn1+relu", { network.conv1.inferenceForward($0, batchNorm: network.bn1, residual: nil, relu: true) }),
                ("maxpool", { MaxPool2d(kernel: 3, stride: 2, padding: 1).forward($0, training: false) }),
            ]
            for (s, stage) in network.stages.enumerated() {
                for (b, block) in stage.enumerated() {
                    steps.append(("layer\(s + 1).\(b)", { block.forward($0, training: false) }))
                }
            }
            func milliseconds(_ input: Tensor) -> [(shape: String, ms: Double)] {
                var x = input, result: [(String, Double)] = []
                for step in steps {
                    var best = Double.infinity, y = x
                    for _ in 0..<max(3, Int(seconds)) {
                        let start = Date()
                        y = step.run(x)
                        best = min(best, Date().timeIntervalSince(start))
                    }
                    result.append((y.shape.dropFirst().map(String.init).joined(separator: "×"), 1000 * best / Double(x.shape[0])))
                    x = y
                }
                return result
            }
            let single = milliseconds(one), batched = milliseconds(many)
            return steps.indices.map {
                LayerTime(layer: steps[$0].name, shape: single[$0].shape, millisecondsBatch1: single[$0].ms, millisecondsBatch32: batched[$0].ms)
            }
        }

        /// The process's peak resident memory so far, in MB.
        static func peakMemoryMB() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_maxrss) / 1024
        }

        /// CPU seconds used by the process so far (user and system, all threads).
        static func processCPUSeconds() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }

        func run() throws {
            try runReportingErrors {
                guard inputSize >= 32, width >= 1 else { throw UsageError("--input-size must be at least 32 and --width positive") }
                HeapReuse.enable()
                let diagnoser = Diagnoser(DiagnoserConfiguration(baseWidth: width, inputSize: inputSize), seed: 1)
                var generator = SeededGenerator(seed: 2)
                func images(_ n: Int) -> Tensor {
                    .uniform(shape: [n, 3, inputSize, inputSize], bound: 2, using: &generator)
                }
                /// Images per second of `body` over batches of `batch`: the fastest run after one warm-up run, so
                /// that other work on a shared machine disturbs the figure as little as possible; and images per
                /// CPU second of the process (all threads) in that run.
                func rate(batch: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
                    body()
                    var best = Double.infinity, bestCPU = Double.infinity
                    let start = Date()
                    repeat {
                        let runStart = Date(), cpuStart = Self.processCPUSeconds()
                        body()
                        best = min(best, Date().timeIntervalSince(runStart))
                        bestCPU = min(bestCPU, Self.processCPUSeconds() - cpuStart)
                    } while Date().timeIntervalSince(start) < seconds
                    return (Double(batch) / best, Double(batch) / bestCPU)
                }
                let one = images(1), many = images(32), trainImages = images(trainBatch)
                let single = rate(batch: 1) { _ = diagnoser.forward(one, training: false) }
                let batched = rate(batch: 32) { _ = diagnoser.forward(many, training: false) }
                let inferencePeak = Self.peakMemoryMB()
                let optimizer = SGD(parameters: diagnoser.parameters, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4)
                let labels = (0..<trainBatch).map { $0 % 3 }
                let training = rate(batch: trainBatch) {
                    optimizer.zeroGradients()
                    let output = diagnoser.forward(trainImages, training: true)
                    let loss = SelfCureLoss(output: output, labels: labels, beta: 0.7, margin: 0.05)
                    diagnoser.backward(logits: loss.logitGradient, attention: loss.attentionGradient)
                    optimizer.step()
                }
                let layerTimes = layers ? timeLayers(diagnoser.backbone, one: one, many: many) : nil
                let report = Report(inputSize: inputSize, width: width, threads: ComputeThreads.count,
                                    inferenceImagesPerSecondBatch1: single.wall, inferenceImagesPerSecondBatch32: batched.wall,
                                    trainingImagesPerSecondBatch32: training.wall, trainingBatch: trainBatch,
                                    inferenceImagesPerCPUSecondBatch1: single.cpu, inferenceImagesPerCPUSecondBatch32: batched.cpu,
                                    trainingImagesPerCPUSecondBatch32: training.cpu,
                                    peakMemoryMB: Self.peakMemoryMB(), peakMemoryInferenceMB: inferencePeak, layers: layerTimes)
                if json {
                    try printJSON(report)
                } else {
                    print("diagnoser ResNet-18 width \(width), \(inputSize)×\(inputSize), \(report.threads) threads")
                    print(String(format: "inference: %.1f images/s at batch 1, %.1f images/s at batch 32 (%.1f and %.1f per CPU second)",
                                 single.wall, batched.wall, single.cpu, batched.cpu))
                    print(String(format: "training:  %.1f images/s at batch %d, %.1f per CPU second (forward, backward, SGD step)",
                                 training.wall, trainBatch, training.cpu))
                    print(String(format: "peak memory: %.0f MB (%.0f MB after inference)", report.peakMemoryMB, report.peakMemoryInferenceMB))
                    for time in layerTimes ?? [] {
                        let name = time.layer.padding(toLength: 16, withPad: " ", startingAt: 0)
                        let shape = time.shape.padding(toLength: 12, withPad: " ", startingAt: 0)
                        print("  \(name) \(shape)" + String(format: "%7.3f ms %7.3f ms per image (batch 1, 32)",
                                                             time.millisecondsBatch1, time.millisecondsBatch32))
                    }
                }
            }
        }
    }
}
