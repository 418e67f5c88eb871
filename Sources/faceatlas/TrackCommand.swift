import ArgumentParser
import FaceAtlasCore
import Foundation
import Landmarks
import Tracking
import DenseLandmarks

/// `faceatlas track`: a video (or photographs) → a 68-point landmark sequence (and face crops).
struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Find the participant's face and its 68 landmarks in a video or photographs (dlib, ffmpeg).",
        discussion: """
            One participant per video: the largest face of the first frame with a face is followed, frame to frame, \
            as the face nearest to where it was. Frames are sampled at --fps (5 by default; 10 and 15 are usual too) at \
            exact 1/fps steps of the video's own clock, upright by the video's rotation metadata. Every frame is written; \
            frames without a face, blurred, cut by the frame edge, with a low detection score or with several faces are \
            invalid, with the reason. Several still images (PNG, JPEG, PPM, ...) are tracked as consecutive frames. \
            The output is FaceAtlas's landmark CSV (frame, time, x0, y0, ..., x67, y67, valid, confidence, reason, \
            quality columns), which 'faceatlas fit' reads.
            """)

    @Argument(help: "A video, or still images.")
    var inputs: [String]
    @Option(help: "Frames sampled per second (5, 10 or 15).")
    var fps: Double = 5
    @Option(help: "Resize frames to N×N or WxH pixels first (the study: 512).")
    var resize: String?
    @Option(help: "Write 224×224 face crops aligned by the eyes (PNG, named by frame) of the valid frames here.")
    var crops: String?
    @Option(help: "Crop side in pixels.")
    var cropSize = 224
    @Option(help: "Frames whose face is less sharp (variance of the Laplacian) are invalid.")
    var minSharpness: Double?
    @Option(help: "Frames whose detection score is lower are invalid.")
    var minScore: Double?
    @Flag(help: "Keep frames in which several faces are seen (valid if nothing else fails).")
    var allowSeveralFaces = false
    @Flag(help: "Print nothing but errors.")
    var quiet = false
    @Option(help: "Landmarks: 'dlib' (68 iBUG points, FaceAtlas's CSV) or 'mediapipe' (468 face-mesh points, or 478 with --refine-landmarks; MediaPipe's CSV layout).")
    var landmarker: Landmarker = .dlib
    @Flag(help: "With --landmarker mediapipe: refine the eyes and brows with MediaPipe's iris model and add the 10 iris points (478 points; MediaPipe's refine_landmarks). For gaze and blink work: the fitter's dense embedding is calibrated on the mesh's own 468, and refined brows sit higher on real faces.")
    var refineLandmarks = false
    @Option(help: "The MediaPipe models' folder (default: Templates/build/mediapipe, from scripts/fetch-mediapipe).")
    var mediapipeModels: String?
    @Option(help: "The landmark CSV to write.")
    var out: String

    enum Landmarker: String, ExpressibleByArgument { case dlib, mediapipe }

    /// `--landmarker mediapipe`: MediaPipe's face mesh on FaceAtlas's TFLite interpreter.
    func runMediaPipe() throws {
        let urls = inputs.map { URL(fileURLWithPath: $0) }
        let models = mediapipeModels.map { URL(fileURLWithPath: $0) } ?? ProjectPaths.mediaPipeModels
        var reporter: ProgressReporter?
        let start = Date()
        let rows = try DenseSequenceTracker.track(urls, fps: fps, models: models, refineEyes: refineLandmarks) { _, total in
            if reporter == nil { reporter = ProgressReporter("track", total: total, quiet: quiet) }
            reporter?.advance()
        }
        reporter?.finish()
        let outURL = URL(fileURLWithPath: out)
        try MediaPipeCSV.write(rows, to: outURL)
        if !quiet {
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "%d frames (%d with a face) in %.1f s (%.1f frames/s) → %@", rows.count,
                         rows.filter { $0.result.points != nil }.count, seconds, Double(rows.count) / max(seconds, 1e-9), outURL.path))
        }
    }

    func run() throws {
        if landmarker == .mediapipe {
            try runReportingErrors { try runMediaPipe() }
            return
        }
        try runReportingErrors {
            var options = TrackingOptions()
            options.decode.fps = fps
            if let resize { options.decode.resize = try DecodeOptions.parseSize(resize) }
            options.cropsFolder = crops.map { URL(fileURLWithPath: $0) }
            guard (32...2048).contains(cropSize) else { throw UsageError("--crop-size must be 32 to 2048 pixels") }
            options.cropSize = cropSize
            if let minSharpness { options.tracker.quality.minimumSharpness = minSharpness }
            if let minScore { options.tracker.quality.minimumScore = minScore }
            if allowSeveralFaces { options.tracker.quality.rejectSeveralFaces = false }
            let urls = inputs.map { URL(fileURLWithPath: $0) }
            let outURL = URL(fileURLWithPath: out)

            // The total is the video's duration × fps from ffprobe, an estimate: the bar stops at 100 %.
            var reporter: ProgressReporter?
            let start = Date()
            let sequence: LandmarkSequence
            do {
                sequence = try SequenceTracker.track(urls, options: options) { done, total in
                    if reporter == nil { reporter = ProgressReporter("track", total: total, quiet: quiet) }
                    reporter?.advance()
                }
            } catch let error as TrackingError {
                throw FileError(inputs.joined(separator: ", "), error.message)
            }
            reporter?.finish()
            try LandmarkIO.write(sequence, to: outURL, format: .csv)
            if !quiet {
                let seconds = Date().timeIntervalSince(start)
                let invalid = sequence.frames.filter { !$0.isValid }
                var reasons: [String: Int] = [:]
                for frame in invalid {
                    for reason in (frame.invalidReason ?? "").split(separator: ";") {
                        let key = reason.trimmingCharacters(in: .whitespaces).split(separator: "(").first
                            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                        reasons[key, default: 0] += 1
                    }
                }
                print(String(format: "%d frames (%d valid) in %.1f s (%.1f frames/s) → %@", sequence.frames.count,
                             sequence.validCount, seconds, Double(sequence.frames.count) / max(seconds, 1e-9), outURL.path))
                for (reason, count) in reasons.sorted(by: { $0.value > $1.value }) {
                    print("  invalid: \(reason): \(count)")
                }
            }
        }
    }
}
