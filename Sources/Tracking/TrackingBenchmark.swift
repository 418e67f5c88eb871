import FaceAtlasCore
import Foundation
import Imaging

/// Speed of the two halves of tracking, measured apart on one video: decoding (ffmpeg sampling
/// frames into the pipe, and reading them) and tracking (detection, landmarks and quality
/// measures on frames already in memory), plus both together as `SequenceTracker` runs them.
public enum TrackingBenchmark {
    /// What one run measured.
    public struct Report: Codable, Sendable {
        /// The video's frame size.
        public var width: Int, height: Int
        /// The video's duration in seconds (ffprobe).
        public var seconds: Double
        /// Sampling rate.
        public var fps: Double
        /// Frames sampled.
        public var frames: Int
        /// Sampled frames decoded per second (ffmpeg decodes every source frame to sample them).
        public var decodeFramesPerSecond: Double
        /// Source seconds decoded per wall-clock second.
        public var decodeRealtimeFactor: Double
        /// Sampled frames tracked per second, on decoded frames in memory, one thread.
        public var trackingFramesPerSecond: Double
        /// Milliseconds per tracked frame.
        public var trackingMillisecondsPerFrame: Double
        /// Decoding and tracking together (`SequenceTracker`, ffmpeg running alongside), frames per second.
        public var endToEndFramesPerSecond: Double
        /// Frames valid after tracking.
        public var validFrames: Int
        /// Frames in which a face was found.
        public var framesWithFace: Int
        /// Cores of this machine.
        public var cores: Int
    }

    /// Measures `video` sampled at `fps` (gray frames, no resize).
    /// - Throws: what `VideoDecoder` and `FaceTracker` throw.
    public static func run(video: URL, fps: Double = 5) throws -> Report {
        let options = DecodeOptions(fps: fps)
        let info = try VideoInfo.probe(video)
        // Load the model first so that no timing includes it.
        _ = try ShapePredictor.shared()

        let decodeStart = Date()
        let decoder = try VideoDecoder(url: video, options: options)
        var frames: [Image] = []
        while let frame = try decoder.next() { frames.append(frame.image) }
        decoder.close()
        let decodeSeconds = Date().timeIntervalSince(decodeStart)
        guard !frames.isEmpty else { throw FileError(video, "ffmpeg decoded no frames from the video") }

        let tracker = try FaceTracker()
        let trackStart = Date()
        var valid = 0, withFace = 0
        for image in frames {
            let result = try tracker.track(image)
            if result.isValid { valid += 1 }
            if result.box != nil { withFace += 1 }
        }
        let trackSeconds = Date().timeIntervalSince(trackStart)

        var tracking = TrackingOptions()
        tracking.decode = options
        let bothStart = Date()
        let sequence = try SequenceTracker.track([video], options: tracking)
        let bothSeconds = Date().timeIntervalSince(bothStart)

        let duration = info.duration ?? Double(frames.count) / fps
        return Report(width: frames[0].width, height: frames[0].height, seconds: duration, fps: fps, frames: frames.count,
                      decodeFramesPerSecond: Double(frames.count) / decodeSeconds,
                      decodeRealtimeFactor: duration / decodeSeconds,
                      trackingFramesPerSecond: Double(frames.count) / trackSeconds,
                      trackingMillisecondsPerFrame: 1000 * trackSeconds / Double(frames.count),
                      endToEndFramesPerSecond: Double(sequence.frames.count) / bothSeconds,
                      validFrames: valid, framesWithFace: withFace, cores: Parallel.coreCount)
    }
}
