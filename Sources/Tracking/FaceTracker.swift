import Foundation
import Imaging

/// Follows one participant's face through the frames of a video: the largest face in the
/// first frame that has one, then in every frame the face nearest to where it was.
///
/// Per frame it returns the face box, the 68 dlib landmarks and the quality measures
/// (detection score, sharpness, points outside the image, number of faces), and decides
/// whether the frame is valid (`QualityThresholds`). Frames must come in time order; `reset()`
/// forgets the face (for an unrelated next image). Not safe to share between threads.
public final class FaceTracker {
    /// The settings in use.
    public let settings: TrackerSettings
    private let detector: FaceDetector
    private let predictor: ShapePredictor
    /// The participant's last box, kept through frames where the face is lost.
    private var lastBox: FaceBox?

    /// Creates a tracker with dlib's detector and `predictor` (by default the shared 68-point model).
    /// - Throws: `TrackingError` when dlib or its model is missing.
    public init(settings: TrackerSettings = TrackerSettings(), predictor: ShapePredictor? = nil) throws {
        self.settings = settings
        detector = try FaceDetector()
        self.predictor = try predictor ?? ShapePredictor.shared()
    }

    /// Forgets the face followed so far: the next frame starts afresh with its largest face.
    public func reset() { lastBox = nil }

    /// Tracks the face in the next frame (a gray image).
    ///
    /// The landmarks depend only on this frame: every frame's faces are found by a full-frame search, the one
    /// followed is chosen (the largest at the start, then the nearest to where it was; this is all the history
    /// does), and a frame with no clear face is searched again enlarged. So a frame gives the same landmarks
    /// whatever the sampling rate, the frames before it or the order of still images.
    /// - Throws: `TrackingError` if dlib fails.
    public func track(_ image: Image) throws -> TrackedFrame {
        precondition(image.channels == 1, "the tracker works on gray images")
        let longSide = Double(max(image.width, image.height))
        let searchScale = min(1, Double(settings.searchMaximumSide) / longSide)
        let all = try search(image, scale: searchScale, threshold: min(settings.trackingThreshold, settings.searchThreshold))
        let strong = all.filter { $0.score >= settings.searchThreshold }  // at dlib's own threshold
        var chosen: FaceBox?
        if let previous = lastBox {
            let limit = settings.reacquireDistance
            chosen = all.filter { limit <= 0 || previous.distance(to: $0) <= limit }
                .min { previous.distance(to: $0) < previous.distance(to: $1) }
        } else {
            // The start: the largest face that passes dlib's own threshold.
            chosen = strong.max { $0.area < $1.area }
        }
        guard let face = chosen else {
            return TrackedFrame(box: nil, points: nil, faceCount: strong.count, sharpness: .nan, pointsOutside: 0,
                                problems: ["no face found"])
        }
        lastBox = face

        // Other faces: those of the full-frame pass at dlib's own threshold.
        let faceCount = 1 + strong.filter { $0.overlap(face) < 0.2 && face.distance(to: $0) > 0.5 }.count

        return try measure(face, faceCount: faceCount, in: image)
    }

    /// Every face of a photograph (a gray image) with its landmarks and quality, left to right: the faces
    /// of a full-frame search as the first frame of a video is searched (on the image enlarged when none is
    /// found at full size). The followed face is not changed; "more than one face" is not a problem here.
    /// - Throws: `TrackingError` if dlib fails.
    public func faces(in image: Image) throws -> [TrackedFrame] {
        precondition(image.channels == 1, "the tracker works on gray images")
        let longSide = Double(max(image.width, image.height))
        let boxes = try search(image, scale: min(1, Double(settings.searchMaximumSide) / longSide))
        return try boxes.sorted { $0.left < $1.left }.map { box in
            var frame = try measure(box, faceCount: boxes.count, in: image)
            frame.problems.removeAll { $0.hasPrefix(Self.severalFacesProblem) }
            return frame
        }
    }

    /// The landmarks and quality measures of `face`, one of `faceCount` faces seen in `image`.
    private func measure(_ face: FaceBox, faceCount: Int, in image: Image) throws -> TrackedFrame {
        let points = try predictor.predict(in: image, box: face)
        let sharpness = Sharpness.measure(image, box: face)
        let w = Double(image.width), h = Double(image.height)
        let outside = points.filter { $0.x < -0.5 || $0.y < -0.5 || $0.x > w - 0.5 || $0.y > h - 0.5 }.count

        let q = settings.quality
        var problems: [String] = []
        if face.score < q.minimumScore {
            problems.append("low detection score (\(format(face.score)) < \(format(q.minimumScore)))")
        }
        if !(sharpness >= q.minimumSharpness) {
            problems.append("blurred (sharpness \(format(sharpness)) < \(format(q.minimumSharpness)))")
        }
        if outside > q.maximumPointsOutside {
            problems.append("face partly outside the frame (\(outside) of \(points.count) points)")
        }
        if q.rejectSeveralFaces && faceCount > 1 {
            problems.append("\(Self.severalFacesProblem) (\(faceCount))")
        }
        return TrackedFrame(box: face, points: points, faceCount: faceCount, sharpness: sharpness,
                            pointsOutside: outside, problems: problems)
    }

    /// The problem recorded for a frame in which several faces are seen.
    static let severalFacesProblem = "more than one face"

    /// The faces of the whole frame at `scale` with scores from `threshold` (default dlib's 0); when none passes
    /// dlib's own threshold, the frame is searched again enlarged (dlib's usual remedy for faces under 80 px).
    private func search(_ image: Image, scale: Double, threshold: Double? = nil) throws -> [FaceBox] {
        let threshold = threshold ?? settings.searchThreshold
        let found = try detector.detect(in: image, scale: scale, threshold: threshold)
        let longSide = Double(max(image.width, image.height))
        let enlarged = min(settings.upsampling, Double(settings.upsampledMaximumSide) / longSide)
        guard !found.contains(where: { $0.score >= settings.searchThreshold }), enlarged > scale * 1.2 else { return found }
        let more = try detector.detect(in: image, scale: enlarged, threshold: threshold)
        return more.isEmpty ? found : more
    }

    private func format(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.2f", value)
    }
}
