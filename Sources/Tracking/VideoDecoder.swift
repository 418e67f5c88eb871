import FaceAtlasCore
import Foundation
import Imaging

/// Decodes a video into frames sampled at a fixed rate, with the ffmpeg program writing raw
/// frames into a pipe.
///
/// The command is
/// `ffmpeg -i VIDEO -map 0:V -vf fps=fps=F:start_time=0:round=up[,scale=W:H] -f image2pipe -c:v pgm -`
/// (`ppm` for colour), so that:
/// - **Timestamps are true for variable frame rates.** The `fps` filter resamples by each
///   frame's presentation time, not by frame count: output frame *k* is the source frame on
///   screen at *k* / F seconds from the start of the file (`round=up` assigns a source frame
///   shown from time *p* to the first output tick at or after *p*, and `start_time=0` puts the
///   first tick at the file's time 0). Frame *k*'s time is therefore exactly *k* / F, which is
///   why no per-frame timestamps are read back with ffprobe: they would only repeat it.
/// - **Rotation metadata is honoured.** ffmpeg rotates frames upright by the stream's display
///   matrix (`autorotate`, on by default) before the filters; `VideoInfo.displaySize` is the
///   upright size.
/// - **Every frame's size travels with it** (a PGM/PPM header), so nothing depends on predicting
///   ffmpeg's output size.
///
/// Pixels are taken as stored: non-square pixels (a sample aspect ratio other than 1) are not
/// resampled. Frames are read ahead on a background thread while the caller works on earlier ones;
/// call `close()` when stopping before the end.
public final class VideoDecoder: @unchecked Sendable {
    /// The video file.
    public let url: URL
    /// What ffprobe said about it.
    public let info: VideoInfo
    /// The sampling options.
    public let options: DecodeOptions

    private let process: ToolProcess
    private let condition = NSCondition()
    private var queue: [VideoFrame] = []
    private var finished = false
    private var failure: Error?
    private var stopped = false
    private let readAhead = 4

    /// Probes `url` and starts decoding it.
    /// - Throws: `FileError` for a missing, empty or unreadable file or one without video;
    ///   `UsageError` for bad options; `TrackingError` when ffmpeg is missing.
    public init(url: URL, options: DecodeOptions = DecodeOptions()) throws {
        try options.validate()
        self.url = url
        self.options = options
        info = try VideoInfo.probe(url)
        var filters = ["fps=fps=\(options.fps):start_time=0:round=up"]
        if let size = options.resize { filters.append("scale=\(size.x):\(size.y)") }
        process = try ToolProcess(.ffmpeg, [
            "-nostdin", "-hide_banner", "-v", "error",
            "-i", url.path,
            "-map", "0:\(info.streamIndex)", "-an", "-sn", "-dn",
            "-vf", filters.joined(separator: ","),
            "-f", "image2pipe", "-c:v", options.color ? "ppm" : "pgm", "-pix_fmt", options.color ? "rgb24" : "gray",
            "-",
        ])
        let thread = Thread { [self] in readFrames() }
        thread.name = "faceatlas video decoder"
        thread.start()
    }

    /// The number of frames sampling should give, from the duration ffprobe reports (an estimate).
    public var expectedFrameCount: Int? {
        info.duration.map { max(1, Int(($0 * options.fps).rounded(.up))) }
    }

    /// The next frame, or nil after the last one.
    /// - Throws: `FileError` when ffmpeg fails on the video (a damaged file) or writes something
    ///   that is not a frame.
    public func next() throws -> VideoFrame? {
        condition.lock()
        defer { condition.unlock() }
        if stopped { return nil }
        while queue.isEmpty && !finished && !stopped { condition.wait() }
        if !queue.isEmpty {
            let frame = queue.removeFirst()
            condition.broadcast()
            return frame
        }
        if let failure, !stopped { throw failure }
        return nil
    }

    /// Stops decoding early: ends ffmpeg and waits for it; later calls to `next()` return nil.
    public func close() {
        condition.lock()
        stopped = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
        process.terminate()
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }

    deinit { close() }

    private func readFrames() {
        let process = self.process
        var reader = PNMReader { process.read(into: $0) }
        var index = 0
        var error: Error?
        while true {
            condition.lock()
            while queue.count >= readAhead && !stopped { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { break }
            do {
                guard let image = try reader.next() else { break }
                let frame = VideoFrame(index: index, time: Double(index) / options.fps, image: image)
                index += 1
                condition.lock()
                if !stopped { queue.append(frame) }
                condition.broadcast()
                condition.unlock()
            } catch let readError {
                condition.lock()
                if !stopped { error = FileError(url, "ffmpeg's frames could not be read: \(readError)") }
                condition.unlock()
                process.terminate()
                break
            }
        }
        // Read whatever ffmpeg still writes (after a stop or an error it is ending), so that it
        // never blocks on a full pipe, then collect its exit status.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        while process.read(into: scratch) > 0 {}
        scratch.deallocate()
        let status = process.wait()
        condition.lock()
        if error == nil && status != 0 && !stopped {
            let reason = VideoInfo.shortened(process.errorText, path: url.path)
            error = FileError(url, "ffmpeg could not decode the video (exit status \(status)): \(reason)")
        }
        failure = error
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
