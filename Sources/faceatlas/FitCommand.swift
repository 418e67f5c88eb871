import ArgumentParser
import FaceAtlasCore
import FaceModel
import Cohort
import Fitting
import Foundation
import Tracking
import Landmarks
import ParameterFiles

/// `faceatlas fit`: one participant's landmark sequences → parameter files.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit identity, action-unit expression and pose to a participant's landmark sequences.",
        discussion: """
            All inputs are one participant (one identity is fitted for all of them). Inputs: iBUG .pts (a folder of \
            them is a sequence), menpo .ljson, OpenFace 2.0 CSV, MediaPipe 478-point CSV/JSON, FaceAtlas CSV or .npz — \
            or a video or photograph, which is tracked first as 'faceatlas track' tracks it (dlib's 68 points at --fps; \
            --landmarks-out keeps the landmarks). One parameter file is written per input: --out FILE.npz for one \
            input, --out FOLDER for several. 'faceatlas mesh' turns a parameter file into the fitted face's mesh.
            """)

    @Argument(help: "Landmark sequences of one participant.")
    var inputs: [String]
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Participant id or pseudonym recorded in the files.")
    var subject: String = "participant"
    @Option(help: "Stimulus name per input, comma-separated (default: the input file names).")
    var stimulus: String?
    @Option(help: "Frame rate for folders of .pts and for resampling (the study used 5).")
    var fps: Double = 5
    @Flag(help: "Print what was written as JSON (per file: path, stimulus, frames, frames with landmarks, mean NME; the identity's norm and largest coefficient; iterations, seconds).")
    var json = false
    @Option(help: "For video and photo inputs: also write the tracked landmarks (a FaceAtlas CSV; a folder for several inputs).")
    var landmarksOut: String?
    @Flag(help: "Resample every sequence to --fps (nearest frames).")
    var resample = false
    @Option(help: "Camera: scaled-orthographic, pinhole, or metric-3d (OpenFace X,Y,Z landmarks).")
    var camera: CameraModel = .scaledOrthographic
    @Option(help: "Temporal smoothness of expression (0 turns it off).")
    var expressionSmoothing: Double?
    @Option(help: "Temporal smoothness of pose (0 turns it off).")
    var poseSmoothing: Double?
    @Option(help: "Levenberg–Marquardt iterations at most.")
    var iterations: Int?
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?
    @Option(help: ArgumentHelp("Jaw points of the side turned away from the camera: 'outline' (the cheek's silhouette, as eos fits occluding edges) or 'bands' (the model's contour bands).",
                               discussion: "Default: outline for models imported with eos's contour file, bands for FaceAtlas's own models."))
    var farSide: FarSideJaw?
    @Option(help: ArgumentHelp("Weight of MediaPipe Face Mesh's 468 points against the 68 iBUG points (0: fit only the 68 read off them).",
                               discussion: "MediaPipe input is fitted with every point when the model has a dense embedding (the default model has; see FitSettings.denseLandmarkWeight). Default: 1."))
    var denseWeight: Double?
    @Option(help: "Landmark precision: 'by-feature' (the default: eyes ½, lips 1/√2, jawline √2 noise units) or 'uniform' (one level for all).")
    var landmarkNoise: LandmarkNoise?
    @Flag(help: "Also store the fitted vertices per frame (T×N×3; large, and identifying).")
    var vertices = false
    @Option(help: "Also write the fitted 2D landmarks of the first input as a FaceAtlas CSV (for checking a fit).")
    var fittedLandmarks: String?
    @Option(help: "Output parameter file (one input) or folder (several).")
    var out: String

    func run() throws {
        try runReportingErrors {
            let (model, meta, _) = try modelOptions.load()
            var sequences: [LandmarkSequence] = []
            var tracked: [Bool] = []
            let media = inputs.filter { StillImage.isMedia(URL(fileURLWithPath: $0)) }
            let progress = media.isEmpty ? nil : ProgressReporter("track", total: media.count)
            for input in inputs {
                let url = URL(fileURLWithPath: input)
                var s: LandmarkSequence
                if StillImage.isMedia(url) {
                    var options = TrackingOptions()
                    options.decode.fps = fps
                    do {
                        s = try SequenceTracker.track([url], options: options) { _, _ in }
                    } catch let error as TrackingError {
                        throw FileError(url, error.message)
                    }
                    progress?.advance()
                    if let landmarksOut {
                        let target = inputs.count == 1 && landmarksOut.lowercased().hasSuffix(".csv")
                            ? URL(fileURLWithPath: landmarksOut)
                            : URL(fileURLWithPath: landmarksOut).appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".csv")
                        try LandmarkIO.write(s, to: target, format: .csv)
                    }
                } else {
                    s = try LandmarkIO.read(url, fps: fps)
                }
                tracked.append(StillImage.isMedia(url))
                if let problem = s.timingProblem, !StillImage.isMedia(url) {
                    FileHandle.standardError.write(Data("warning: \(url.path): \(problem)\n".utf8))
                }
                if resample { s = s.resampled(fps: fps) }
                sequences.append(s)
            }
            progress?.finish()
            let names = stimulus.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
                ?? inputs.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            guard names.count == inputs.count else { throw UsageError("--stimulus names \(names.count) stimuli for \(inputs.count) inputs") }
            var settings = FitSettings()
            settings.camera = camera
            if let expressionSmoothing { settings.expressionSmoothing = expressionSmoothing }
            if let poseSmoothing { settings.poseSmoothing = poseSmoothing }
            settings.threads = threads
            if let farSide { settings.farSideSilhouette = farSide == .outline }
            if let landmarkNoise { settings.landmarkNoise = landmarkNoise }
            if let iterations { settings.iterations = iterations }
            if let denseWeight {
                guard denseWeight >= 0, denseWeight.isFinite else { throw UsageError("--dense-weight must be 0 or more, not \(denseWeight)") }
                settings.denseLandmarkWeight = denseWeight
            }
            let dense = model.denseLandmarks != nil && settings.denseLandmarkWeight > 0
            let observed = sequences.map { ObservedSequence($0, use3D: camera == .metric3D, dense: dense) }
            if camera == .metric3D, !observed.allSatisfy(\.isMetric3D) {
                throw UsageError("--camera metric-3d needs 3D landmarks (OpenFace X_i, Y_i, Z_i columns) in every input")
            }
            let fitter = SequenceFitter(model: model, settings: settings)
            let result: FitResult
            do { result = try fitter.fit(observed) } catch let error as FittingError {
                throw FileError(inputs.joined(separator: ", "), error.description)
            }
            let outURL = URL(fileURLWithPath: out)
            let single = inputs.count == 1 && outURL.pathExtension.lowercased() == "npz"
            if !single && outURL.pathExtension.lowercased() == "npz" {
                throw UsageError("several inputs: --out must be a folder (one parameter file per input)")
            }
            struct Written: Encodable { var path: String; var stimulus: String; var frames: Int; var framesWithLandmarks: Int; var meanNME: Double? }
            struct Report: Encodable {
                var files: [Written]; var identityNorm: Double; var identityLargestAbsolute: Double; var iterations: Int; var seconds: Double
            }
            var written: [Written] = []
            for (k, seq) in result.sequences.enumerated() {
                let url = single ? outURL : outURL.appendingPathComponent("\(names[k]).npz")
                let file = ParameterFile(
                    fit: result, sequence: k, model: model, modelMeta: meta, subject: subject, stimulus: names[k],
                    fps: sequences[k].estimatedFPS ?? fps, source: URL(fileURLWithPath: inputs[k]).lastPathComponent,
                    detector: tracked[k] ? SequenceTracker.detectorName
                        : LandmarkFormat.detectedName(URL(fileURLWithPath: inputs[k]), dense: observed[k].points.first.map { $0.count > 68 } ?? false),
                    settings: settings,
                    confidence: sequences[k].frames.map { f in f.isValid ? f.confidence.reduce(0, +) / Double(max(f.confidence.count, 1)) : 0 },
                    includeVertices: vertices)
                try file.write(to: url)
                let valid = seq.residualNormalized.filter { !$0.isNaN }
                let nme = valid.isEmpty ? Double.nan : valid.reduce(0, +) / Double(valid.count)
                written.append(Written(path: url.path, stimulus: names[k], frames: seq.time.count, framesWithLandmarks: valid.count, meanNME: nme.finite))
                if !json { print(String(format: "%@: %d frames (%d with landmarks), mean NME %.4f", url.path, seq.time.count, valid.count, nme)) }
            }
            if let fittedLandmarks, let seq = result.sequences.first {
                let frames = (0..<seq.time.count).map { t in
                    LandmarkFrame(time: seq.time[t], points: seq.landmarks[t].map { SIMD2($0.x, $0.y) }, isValid: seq.valid[t])
                }
                try LandmarkIO.write(LandmarkSequence(frames: frames, source: "faceatlas fit"), to: URL(fileURLWithPath: fittedLandmarks), format: .csv)
            }
            if json {
                let norm = result.identity.reduce(0) { $0 + $1 * $1 }.squareRoot()
                try printJSON(Report(files: written, identityNorm: norm, identityLargestAbsolute: result.identity.map(abs).max() ?? 0,
                                     iterations: result.iterations, seconds: result.seconds))
            } else {
                print(String(format: "fit: %d sequences, %d iterations, %.2f s", result.sequences.count, result.iterations, result.seconds))
            }
        }
    }
}

extension CameraModel: ExpressibleByArgument {}

extension LandmarkFormat {
    /// A short description of where landmarks in this file came from, for parameter-file headers.
    /// `dense`: the fit used MediaPipe's 468 points, not only the 68 read off them.
    static func detectedName(_ url: URL, dense: Bool = false) -> String {
        guard let f = try? LandmarkFormat.detect(url) else { return "unknown" }
        switch f {
        case .openFace: return "OpenFace 2.0"
        case .mediaPipe: return dense ? "MediaPipe Face Mesh (468 points, fitted densely)" : "MediaPipe Face Landmarker (mapped to iBUG 68)"
        case .pts, .ljson: return "annotated iBUG 68"
        case .csv, .npz: return "FaceAtlas landmarks"
        }
    }
}

/// Where `fit` puts the jaw points of the side turned away from the camera (`FitSettings.farSideSilhouette`).
enum FarSideJaw: String, ExpressibleByArgument, CaseIterable {
    /// On the cheek's outline (`FarSideSilhouette`).
    case outline
    /// On the model's contour bands, like the near side.
    case bands
}
