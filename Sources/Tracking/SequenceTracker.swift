import FaceAtlasCore
import Foundation
import Imaging
import Landmarks

/// Turns a video, or a list of photographs, into a 68-point `LandmarkSequence` for the fitter:
/// frames sampled at a fixed rate (`VideoDecoder`), the participant's face followed from frame
/// to frame (`FaceTracker`), and every frame kept, the failed ones invalid with their reasons.
///
/// The sequence's `extraColumns` hold the quality measures per frame, written by
/// `LandmarkIO.write(_:to:format: .csv)` after the point columns:
///
/// | column | meaning |
/// | --- | --- |
/// | `detection_score` | dlib's score of the face (NaN when none was found) |
/// | `sharpness` | variance of the Laplacian over the face (`Sharpness`) |
/// | `faces` | faces seen in the frame |
/// | `points_outside` | landmarks outside the image |
/// | `box_left`, `box_top`, `box_width`, `box_height` | the face box in pixels |
///
/// A valid frame has confidence 1 for every point; an invalid one keeps its points when a face
/// was found (NaN otherwise) with confidence 0 and the reasons joined by "; ".
///
/// With `options.decode.resize` (the study's 512 × 512), points and boxes are given in the pixels
/// of the resized frames and `imageSize` is the resized size, but faces are found and landmarked
/// in the frames as decoded: resizing 720 × 576 to 512 × 512 squeezes faces by 20 %, which dlib's
/// detector and predictor (trained on undistorted faces) handle markedly worse.
public enum SequenceTracker {
    /// The names of the quality columns, in the order listed above.
    public static let qualityColumns = ["detection_score", "sharpness", "faces", "points_outside",
                                        "box_left", "box_top", "box_width", "box_height"]

    /// Tracks one video or several still images (any mix of images, in the order given, frame
    /// *i* at *i* / fps; the face is searched afresh when the image size changes).
    /// - Parameter progress: called after each frame with the frames done and the expected total.
    /// - Throws: `FileError` for unreadable inputs; `UsageError` for a video among several inputs
    ///   or bad options; `TrackingError` when ffmpeg or dlib is missing.
    public static func track(_ inputs: [URL], options: TrackingOptions = TrackingOptions(),
                             progress: ((Int, Int) -> Void)? = nil) throws -> LandmarkSequence {
        guard let first = inputs.first else { throw UsageError("no video or images to track") }
        try options.decode.validate()
        if inputs.count == 1 && !StillImage.isStillImage(first) {
            return try trackVideo(first, options: options, progress: progress)
        }
        if let video = inputs.first(where: { !StillImage.isStillImage($0) }) {
            throw UsageError("give one video, or still images only: \(video.path) is not an image (\(StillImage.extensions.sorted().joined(separator: ", ")))")
        }
        return try trackImages(inputs, options: options, progress: progress)
    }

    /// How parameter files name landmarks that came from this tracker (their `detector`).
    public static let detectorName = "dlib HOG + 68-point shape predictor (faceatlas track)"

    /// Tracks the video at `url`.
    public static func trackVideo(_ url: URL, options: TrackingOptions = TrackingOptions(),
                                  progress: ((Int, Int) -> Void)? = nil) throws -> LandmarkSequence {
        var decode = options.decode
        // Always decoded in colour and made grey here: ffmpeg's own grey output differs by a level or two, which
        // moves dlib's points by up to 4 px, so the landmarks would depend on whether crops are written.
        decode.color = true
        decode.resize = nil  // landmarks are mapped to the resized frame instead (see above)
        let decoder = try VideoDecoder(url: url, options: decode)
        defer { decoder.close() }
        let tracker = try FaceTracker(settings: options.tracker)
        var builder = Builder(options: options)
        let expected = decoder.expectedFrameCount ?? 0
        while let frame = try decoder.next() {
            try builder.add(frame, tracker: tracker)
            progress?(builder.frames.count, max(expected, builder.frames.count))
        }
        guard !builder.frames.isEmpty else { throw FileError(url, "ffmpeg decoded no frames from the video") }
        return builder.sequence(source: url.path)
    }

    /// Tracks still images as consecutive frames.
    public static func trackImages(_ urls: [URL], options: TrackingOptions = TrackingOptions(),
                                   progress: ((Int, Int) -> Void)? = nil) throws -> LandmarkSequence {
        let tracker = try FaceTracker(settings: options.tracker)
        var builder = Builder(options: options)
        for (index, url) in urls.enumerated() {
            let image = try StillImage.read(url, color: true)  // grey made here, as for videos
            // Each still image on its own: the face is found afresh (the largest), never carried over.
            tracker.reset()
            try builder.add(VideoFrame(index: index, time: Double(index) / options.decode.fps, image: image), tracker: tracker)
            progress?(index + 1, urls.count)
        }
        let source = urls.count == 1 ? urls[0].path : urls[0].deletingLastPathComponent().path
        return builder.sequence(source: source)
    }

    /// Collects tracked frames into a sequence and writes the crops.
    private struct Builder {
        let options: TrackingOptions
        var frames: [LandmarkFrame] = []
        var columns: [[Double]] = Array(repeating: [], count: SequenceTracker.qualityColumns.count)
        var sizes: Set<SIMD2<Int>> = []

        init(options: TrackingOptions) { self.options = options }

        mutating func add(_ frame: VideoFrame, tracker: FaceTracker) throws {
            let gray = frame.image.channels == 1 ? frame.image : frame.image.converted(toChannels: 1)
            let result = try tracker.track(gray)
            let count = LandmarkSequence.pointCount
            let nan = SIMD2<Double>(.nan, .nan)
            // Pixel centres map as ffmpeg's scale filter maps them: x' = (x + 0.5) · s − 0.5.
            var size = SIMD2(frame.image.width, frame.image.height)
            var s = SIMD2<Double>(1, 1)
            if let target = options.decode.resize {
                s = SIMD2(Double(target.x) / Double(size.x), Double(target.y) / Double(size.y))
                size = target
            }
            func map(_ p: SIMD2<Double>) -> SIMD2<Double> { (p + 0.5) * s - 0.5 }
            let points = result.points.map { $0.map(map) } ?? [SIMD2<Double>](repeating: nan, count: count)
            let confidence = [Double](repeating: result.isValid ? 1 : 0, count: count)
            frames.append(LandmarkFrame(time: frame.time, points: points, confidence: confidence, isValid: result.isValid,
                                        invalidReason: result.isValid ? nil : result.problems.joined(separator: "; ")))
            let box = result.box
            let corner = box.map { map(SIMD2($0.left, $0.top)) }
            let values: [Double] = [box?.score ?? .nan, result.sharpness, Double(result.faceCount), Double(result.pointsOutside),
                                    corner?.x ?? .nan, corner?.y ?? .nan, box.map { $0.width * s.x } ?? .nan,
                                    box.map { $0.height * s.y } ?? .nan]
            for (index, value) in values.enumerated() { columns[index].append(value) }
            sizes.insert(size)
            if let folder = options.cropsFolder, result.isValid, let points = result.points {
                let crop = FaceCrop.aligned(frame.image, points: points, size: options.cropSize)
                try PNG.write(crop, to: folder.appendingPathComponent(String(format: "%06d.png", frame.index)))
            }
        }

        func sequence(source: String) -> LandmarkSequence {
            var sequence = LandmarkSequence(frames: frames, source: source, imageSize: sizes.count == 1 ? sizes.first : nil)
            for (name, values) in zip(SequenceTracker.qualityColumns, columns) { sequence.extraColumns[name] = values }
            return sequence
        }
    }
}
