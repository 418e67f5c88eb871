import FaceAtlasCore
import Foundation
import Imaging
import Tracking

/// Dense landmarks of a video or of still photographs, frame by frame, with MediaPipe's face mesh pipeline.
///
/// A video is decoded in colour at `fps` (exact 1/fps steps of its clock, as `faceatlas track` does for dlib)
/// and the face followed from frame to frame; each still image is detected afresh, so that a photograph's
/// landmarks never depend on the photograph before it.
public enum DenseSequenceTracker {
    /// Tracks `inputs` (one video, or still images) with the models in `models`; `refineEyes`: 478 points with
    /// the eyes refined by the iris model (MediaPipe's `refine_landmarks`), else the mesh's 468.
    public static func track(_ inputs: [URL], fps: Double, models: URL, refineEyes: Bool = false,
                             progress: ((Int, Int) -> Void)? = nil) throws -> [MediaPipeCSV.Row] {
        guard let first = inputs.first else { throw UsageError("no video or images to track") }
        let tracker = try MediaPipeFaceTracker(models: models)
        tracker.refinesEyes = refineEyes
        var rows: [MediaPipeCSV.Row] = []
        if inputs.count == 1 && !StillImage.isStillImage(first) {
            let decoder = try VideoDecoder(url: first, options: DecodeOptions(fps: fps, color: true))
            defer { decoder.close() }
            let expected = decoder.expectedFrameCount ?? 0
            while let frame = try decoder.next() {
                rows.append(MediaPipeCSV.Row(frame: frame.index, time: frame.time, result: try tracker.track(frame.image),
                                             imageSize: SIMD2(frame.image.width, frame.image.height)))
                progress?(rows.count, max(expected, rows.count))
            }
            guard !rows.isEmpty else { throw FileError(first, "ffmpeg decoded no frames from the video") }
            return rows
        }
        if let video = inputs.first(where: { !StillImage.isStillImage($0) }) {
            throw UsageError("give one video, or still images only: \(video.path) is not an image")
        }
        for (index, url) in inputs.enumerated() {
            let image = try StillImage.read(url, color: true)
            tracker.reset()
            rows.append(MediaPipeCSV.Row(frame: index, time: Double(index) / fps, result: try tracker.track(image),
                                         imageSize: SIMD2(image.width, image.height)))
            progress?(index + 1, inputs.count)
        }
        return rows
    }
}
