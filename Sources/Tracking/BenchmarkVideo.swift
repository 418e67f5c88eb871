import FaceAtlasCore
import Foundation

/// A 720 × 576, 25 frames-per-second H.264 test video made with ffmpeg from face photographs:
/// 4-second segments, each showing one photo at its own size (heights cycling through 300,
/// 380, 460 and 340 px) that moves across a grey background all the time (sinusoidally,
/// ±60 px horizontally and ±30 px vertically). It is the input of `faceatlas bench track`.
public enum BenchmarkVideo {
    /// The frame size, that of the study's recordings.
    public static let size = SIMD2(720, 576)
    /// The source frame rate.
    public static let frameRate = 25
    /// Seconds per segment.
    public static let segmentSeconds = 4

    /// Writes the video to `url`, `seconds` long (rounded up to whole segments), cycling through `photos`.
    /// - Throws: `FileError` naming a photo ffmpeg cannot use; `TrackingError` when ffmpeg is missing.
    public static func make(photos: [URL], seconds: Int, to url: URL) throws {
        guard !photos.isEmpty else { throw UsageError("no photographs to make the benchmark video from") }
        let segments = max(1, (seconds + segmentSeconds - 1) / segmentSeconds)
        let heights = [300, 380, 460, 340]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var list = "ffconcat version 1.0\n"
        for k in 0..<segments {
            let photo = photos[k % photos.count]
            let h = heights[k % heights.count]
            let segment = folder.appendingPathComponent("segment\(k).mp4")
            let graph = "[1:v]scale=w='min(680,iw*\(h)/ih)':h=-2[face];"
                + "[0:v][face]overlay=x='(W-w)/2+min(60,(W-w)/2)*sin(2*PI*t/\(segmentSeconds))'"
                + ":y='(H-h)/2+min(30,(H-h)/2)*sin(2*PI*t/2)':shortest=1,format=yuv420p"
            let result = try ExternalTool.ffmpeg.run([
                "-nostdin", "-hide_banner", "-v", "error", "-y",
                "-f", "lavfi", "-i", "color=c=0x808080:s=\(size.x)x\(size.y):r=\(frameRate):d=\(segmentSeconds)",
                "-loop", "1", "-framerate", "\(frameRate)", "-i", photo.path,
                "-filter_complex", graph, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", segment.path,
            ])
            guard result.status == 0 else {
                throw FileError(photo, "ffmpeg could not make a video segment from the photo: \(VideoInfo.shortened(result.errors, path: photo.path))")
            }
            list += "file '\(segment.path)'\n"
        }
        let listURL = folder.appendingPathComponent("segments.ffconcat")
        try Data(list.utf8).write(to: listURL)
        try AtomicFile.write(to: url) { temporary in
            let result = try ExternalTool.ffmpeg.run(["-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "concat", "-safe", "0",
                                                      "-i", listURL.path, "-c", "copy", "-f", "mp4", temporary.path])
            guard result.status == 0 else {
                throw FileError(url, "ffmpeg could not join the segments: \(VideoInfo.shortened(result.errors, path: listURL.path))")
            }
        }
    }
}
