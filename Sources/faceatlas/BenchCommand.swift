import ArgumentParser
import FaceAtlasCore
import FaceModel
import Fitting
import Foundation
import Numerics

/// `faceatlas bench …`: performance and accuracy figures, machine-readable with --json.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (run from a release build).", subcommands: [FitBench.self, TrackBench.self, AtlasBench.self, CNNBench.self, RealFaceBench.self, MediaPipeBench.self, StartupBench.self])
}

extension ContourRule: ExpressibleByArgument {}
extension LandmarkNoise: ExpressibleByArgument {}

extension BenchCommand {
    struct FitBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Fit synthetic sequences with known truth: speed and accuracy.",
            discussion: """
                Sequences come from the model with a random identity, action-unit trajectories, head pose within \
                yaw ±40° and pitch ±20°, Gaussian landmark noise of 0, 1 and 3 px and 5 % dropped frames.
                """)
        @OptionGroup var options: ModelOptions
        @Option(help: "Frames per sequence.") var frames = 300
        @Option(help: "Sequences (participants) per noise level.") var sequences = 4
        @Option(help: "Timing repetitions.") var repeats = 3
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Fitter iterations at most.") var iterations: Int?
        @Option(help: "Expression smoothing weight.") var expressionSmoothing: Double?
        @Option(help: "Pose smoothing weight.") var poseSmoothing: Double?
        @Flag(help: "Keep the jawline landmarks fixed (no contour sliding).") var fixedContour = false
        @OptionGroup var tuning: FitTuningOptions
        @Option(help: "Only these noise levels (comma-separated px).") var noise: String?
        @Flag(help: "Print per-frame errors of the first sequence (diagnostics).") var perFrame = false
        @Flag(help: "Observe MediaPipe's 468 points too (the model's dense embedding), with the same noise, and fit them densely.")
        var dense = false

        @Option(help: "Relative cost decrease below which a fit stops.") var tolerance: Double?
        @Option(help: "Frames the identity is fitted on (0: all).") var identityFrames: Int?
        @Option(help: "Jawline correspondence rule: silhouette (default here: the synthetic jawlines lie on the silhouette by construction) or nearest (the fit command's default, for real annotations).")
        var contourRule: ContourRule = .silhouette

        var settings: FitSettings {
            var s = FitSettings()
            s.contourRule = contourRule
            if let tolerance { s.tolerance = tolerance }
            if let identityFrames { s.identityFrames = identityFrames }
            if let iterations { s.iterations = iterations }
            if let expressionSmoothing { s.expressionSmoothing = expressionSmoothing }
            if let poseSmoothing { s.poseSmoothing = poseSmoothing }
            if fixedContour { s.slideContour = false }
            tuning.apply(to: &s)
            return s
        }

        struct Report: Codable {
            struct Speed: Codable { var framesPerSequence: Int; var framesPerSecondOneCore: Double; var framesPerSecondAllCores: Double; var cores: Int; var secondsPerSequenceOneCore: Double }
            struct Accuracy: Codable {
                var noisePixels: Double
                var nmeObserved: Double, nmeTruth: Double, nmeNoiseFloor: Double
                var actionUnitCorrelation: Double, actionUnitMeanAbsoluteError: Double
                var identityRMSE: Double, meanFaceRMSE: Double
                var medianPoseErrorDegrees: Double
                var iterations: Double
                /// Pearson r per FACS label (left and right pooled) over every sequence's frames where it was active.
                var actionUnitCorrelationByLabel: [String: Double]
            }
            var model: String
            var dense: Bool
            var speed: Speed
            var accuracy: [Accuracy]
        }

        func run() throws {
            try runReportingErrors {
                let (model, meta, _) = try options.load()
                if dense && model.denseLandmarks == nil { throw ValidationError("--dense: the model has no dense embedding (faceatlas model calibrate-mediapipe)") }
                var rows = LandmarkRows(model: model)
                if dense { rows = rows.withDenseLandmarks(of: model) }
                var generatorOptions = SyntheticSequenceGenerator.Options()
                generatorOptions.dense = dense
                generatorOptions.frames = frames
                generatorOptions.noisePixels = 1
                let generator = SyntheticSequenceGenerator(rows: rows, options: generatorOptions)
                let (observed, _) = generator.make(seed: 1)
                func timeFit(threads: Int?) throws -> Double {
                    var settings = self.settings
                    settings.threads = threads
                    let fitter = SequenceFitter(rows: rows, settings: settings)
                    var best = Double.infinity
                    for _ in 0..<max(repeats, 1) {
                        let start = Date()
                        _ = try fitter.fit([observed])
                        best = min(best, Date().timeIntervalSince(start))
                    }
                    return best
                }
                let one = try timeFit(threads: 1)
                let all = try timeFit(threads: nil)
                let speed = Report.Speed(framesPerSequence: frames, framesPerSecondOneCore: Double(frames) / one,
                                         framesPerSecondAllCores: Double(frames) / all, cores: Parallel.coreCount,
                                         secondsPerSequenceOneCore: one)
                var accuracy: [Report.Accuracy] = []
                for noise in (self.noise.map { $0.split(separator: ",").compactMap { Double($0) } } ?? [0.0, 1.0, 3.0]) {
                    var evaluations: [FitEvaluation] = []
                    var iterations: [Double] = []
                    var o = generatorOptions
                    o.noisePixels = noise
                    let g = SyntheticSequenceGenerator(rows: rows, options: o)
                    for k in 0..<sequences {
                        let (obs, truth) = g.make(seed: UInt64(100 + k))
                        let result = try SequenceFitter(rows: rows, settings: settings).fit([obs])
                        if perFrame && k == 0 {
                            let seq = result.sequences[0]
                            for t in 0..<obs.count {
                                let e = (Rotation3(axisAngle: seq.rotation[t]) * truth.rotation[t].transposed).axisAngle
                                let ypr = truth.rotation[t].yawPitchRollDegrees
                                print(String(format: "t %3d yaw %6.1f pitch %6.1f | pose err %5.2f° nme %.4f valid %d", t, ypr.x, ypr.y,
                                             (e * e).sum().squareRoot() * 180 / .pi, seq.residualNormalized[t], seq.valid[t] ? 1 : 0))
                            }
                            print("cost history:", result.costHistory.map { String(format: "%.1f", $0) }.joined(separator: " "))
                        }
                        evaluations.append(FitEvaluation(model: model, result: result, observed: obs, truth: truth, noisePixels: noise))
                        iterations.append(Double(result.iterations))
                    }
                    func mean(_ f: (FitEvaluation) -> Double) -> Double { Statistics.mean(evaluations.map(f)) }
                    var pooled: [String: (fitted: [Double], truth: [Double])] = [:]
                    for series in evaluations.flatMap(\.activeSeries) {
                        let label = model.expressions[series.component].facsLabel
                        pooled[label, default: ([], [])].fitted += series.fitted
                        pooled[label, default: ([], [])].truth += series.truth
                    }
                    accuracy.append(Report.Accuracy(
                        noisePixels: noise, nmeObserved: mean(\.nmeObserved), nmeTruth: mean(\.nmeTruth), nmeNoiseFloor: mean(\.nmeNoiseFloor),
                        actionUnitCorrelation: mean(\.actionUnitCorrelation), actionUnitMeanAbsoluteError: mean(\.actionUnitMeanAbsoluteError),
                        identityRMSE: mean(\.identityRMSE), meanFaceRMSE: mean(\.meanFaceRMSE),
                        medianPoseErrorDegrees: Statistics.median(evaluations.map(\.medianPoseErrorDegrees)),
                        iterations: Statistics.mean(iterations),
                        actionUnitCorrelationByLabel: pooled.mapValues { Statistics.pearson($0.fitted, $0.truth) }))
                }
                let report = Report(model: meta.id, dense: dense, speed: speed, accuracy: accuracy)
                if json {
                    try printJSON(report)
                } else {
                    print("model \(meta.id)")
                    print(String(format: "speed: %d-frame sequence, %.0f frames/s on one core, %.0f frames/s on %d cores",
                                 frames, speed.framesPerSecondOneCore, speed.framesPerSecondAllCores, speed.cores))
                    for a in accuracy {
                        print(String(format: "noise %.0f px: NME %.4f (vs truth %.4f, noise floor %.4f); AU r %.3f, MAE %.3f; identity RMSE %.2f mm (mean face %.2f); pose %.2f°; %.1f iterations",
                                     a.noisePixels, a.nmeObserved, a.nmeTruth, a.nmeNoiseFloor, a.actionUnitCorrelation, a.actionUnitMeanAbsoluteError,
                                     a.identityRMSE, a.meanFaceRMSE, a.medianPoseErrorDegrees, a.iterations))
                        print("  AU r by label: " + a.actionUnitCorrelationByLabel.sorted { $0.key.compare($1.key, options: .numeric) == .orderedAscending }
                            .map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", "))
                    }
                }
            }
        }
    }
}
