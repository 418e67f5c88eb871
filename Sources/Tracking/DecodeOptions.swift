import FaceAtlasCore

/// How frames are taken from a video: the sampling rate, an optional resize, gray or colour.
public struct DecodeOptions: Sendable, Equatable {
    /// Frames per second to sample (the study used 5; 10 and 15 are the other usual choices).
    public var fps: Double = 5
    /// Resize every frame to this (width, height) in pixels, or keep the video's size. The
    /// study resized its 720 × 576 frames to 512 × 512.
    public var resize: SIMD2<Int>?
    /// Decode RGB frames (for colour face crops) instead of gray ones.
    public var color = false

    /// Creates options; the defaults sample 5 gray frames per second at the video's size.
    public init(fps: Double = 5, resize: SIMD2<Int>? = nil, color: Bool = false) {
        self.fps = fps
        self.resize = resize
        self.color = color
    }

    /// Throws a `UsageError` when the rate is not in (0, 60] or the size is not positive.
    public func validate() throws {
        guard fps.isFinite, fps > 0, fps <= 60 else {
            throw UsageError("the sampling rate must be between 0 and 60 frames per second (5, 10 or 15 usually), not \(fps)")
        }
        if let resize, resize.x < 16 || resize.y < 16 || resize.x > 8192 || resize.y > 8192 {
            throw UsageError("the resize target \(resize.x) × \(resize.y) must be 16 to 8192 pixels a side")
        }
    }

    /// Reads a size given as "512" (a square) or "640x480".
    public static func parseSize(_ text: String) throws -> SIMD2<Int> {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        switch parts.count {
        case 1: if let side = parts[0] { return SIMD2(side, side) }
        case 2: if let w = parts[0], let h = parts[1] { return SIMD2(w, h) }
        default: break
        }
        throw UsageError("a size is 'N' (N × N pixels) or 'WxH', not '\(text)'")
    }
}
