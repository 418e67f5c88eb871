import FaceAtlasCore
import Foundation

/// What ffprobe says about a video file's first video stream.
public struct VideoInfo: Sendable, Equatable {
    /// The stream's index in the file (ffmpeg's `-map 0:INDEX`).
    public var streamIndex: Int
    /// The codec, for example "h264".
    public var codec: String
    /// The frame size as stored, in pixels.
    public var codedSize: SIMD2<Int>
    /// The rotation to apply for display, in degrees counter-clockwise (0, 90, 180 or 270),
    /// from the display matrix or the `rotate` tag; ffmpeg applies it when decoding.
    public var rotation: Int
    /// The duration in seconds, when the file knows it (the longer of the stream's and the container's).
    public var duration: Double?
    /// The average frame rate of the source (frames per second), when known; variable-rate
    /// videos have no single rate, and sampling never relies on this.
    public var averageFrameRate: Double?

    /// The frame size after rotation, as decoded frames have it.
    public var displaySize: SIMD2<Int> {
        rotation % 180 == 0 ? codedSize : SIMD2(codedSize.y, codedSize.x)
    }

    /// Probes `url` with ffprobe.
    /// - Throws: `FileError` when the file is missing, empty, not a media file ffmpeg can open, or
    ///   has no video stream (an audio-only file, or only a cover picture); `TrackingError` when
    ///   ffprobe is not installed.
    public static func probe(_ url: URL) throws -> VideoInfo {
        try requireNonEmptyFile(url)
        let result = try ExternalTool.ffprobe.run([
            "-v", "error", "-print_format", "json",
            "-show_entries",
            "stream=index,codec_type,codec_name,width,height,avg_frame_rate,duration:stream_disposition=attached_pic:stream_side_data=rotation:stream_tags=rotate:format=duration",
            url.path,
        ])
        guard result.status == 0 else {
            throw FileError(url, "not a video ffmpeg can read: \(shortened(result.errors, path: url.path))")
        }
        struct Probe: Decodable {
            struct Stream: Decodable {
                var index: Int
                var codec_type: String?
                var codec_name: String?
                var width: Int?
                var height: Int?
                var avg_frame_rate: String?
                var duration: String?
                var disposition: [String: Int]?
                var side_data_list: [[String: JSONNumberOrString]]?
                var tags: [String: String]?
            }
            struct Format: Decodable { var duration: String? }
            var streams: [Stream]?
            var format: Format?
        }
        let probe: Probe
        do {
            probe = try JSONDecoder().decode(Probe.self, from: result.output)
        } catch {
            throw FileError(url, "ffprobe's description of the file could not be read: \(error)")
        }
        let streams = probe.streams ?? []
        let videos = streams.filter { $0.codec_type == "video" && ($0.disposition?["attached_pic"] ?? 0) == 0 }
        guard let video = videos.first else {
            let kinds = Set(streams.compactMap(\.codec_type)).sorted()
            let what = kinds.isEmpty ? "no streams at all" : "only \(kinds.joined(separator: " and ")) streams"
            throw FileError(url, "the file has no video stream (\(what)\(kinds == ["audio"] ? ": an audio-only file" : ""))")
        }
        guard let width = video.width, let height = video.height, width > 0, height > 0 else {
            throw FileError(url, "the video stream has no frame size (the file is damaged?)")
        }
        var rotation = 0
        if let value = video.side_data_list?.lazy.compactMap({ $0["rotation"]?.number }).first {
            rotation = Int(value.rounded())
        } else if let tag = video.tags?["rotate"], let value = Double(tag) {
            rotation = -Int(value.rounded())  // the tag is clockwise; the display matrix counter-clockwise
        }
        rotation = ((rotation % 360) + 360) % 360
        // The longer of the stream's and the container's durations: a variable-rate stream's own
        // duration can leave out its last frame's display time.
        let duration = [video.duration, probe.format?.duration].compactMap { $0.flatMap(Double.init) }
            .filter { $0.isFinite && $0 > 0 }.max()
        return VideoInfo(streamIndex: video.index, codec: video.codec_name ?? "unknown", codedSize: SIMD2(width, height),
                         rotation: rotation, duration: duration, averageFrameRate: video.avg_frame_rate.flatMap(rate))
    }

    /// A rational rate "num/den" as a number, or nil for "0/0" and the like.
    private static func rate(_ text: String) -> Double? {
        let parts = text.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] > 0, parts[0] > 0 else { return nil }
        return parts[0] / parts[1]
    }

    /// Refuses a missing file, a folder or an empty file with a clear error.
    static func requireNonEmptyFile(_ url: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw FileError.missing(url) }
        guard !isFolder.boolValue else { throw FileError(url, "a folder, not a video or image file") }
        try SpecialFile.check(url)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { throw FileError(url, "the file is empty") }
    }

    /// ffmpeg's messages made short enough for one error line, without the repeated file name.
    static func shortened(_ errors: String, path: String) -> String {
        let lines = errors.split(separator: "\n").map { line -> String in
            var text = String(line).trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(path + ": ") { text = String(text.dropFirst(path.count + 2)) }
            return text
        }.filter { !$0.isEmpty }
        guard let last = lines.last else { return "ffmpeg gave no reason" }
        return String(last.prefix(300))
    }
}

/// A JSON value that ffprobe writes as a number or as a string, read as a number when it is one.
struct JSONNumberOrString: Decodable, Sendable {
    var number: Double?

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            number = value
        } else if let text = try? container.decode(String.self) {
            number = Double(text)
        } else {
            number = nil
        }
    }
}
