import Imaging

/// One sampled frame: its number in the sampled sequence, its time, and its pixels.
public struct VideoFrame: Sendable {
    /// 0, 1, 2, ... in the order sampled.
    public var index: Int
    /// Seconds from the start of the video (`index / fps` for a video; see `VideoDecoder`).
    public var time: Double
    /// The pixels: 1 channel (gray) or 3 (RGB), rotated upright.
    public var image: Image

    /// Creates a frame.
    public init(index: Int, time: Double, image: Image) {
        self.index = index
        self.time = time
        self.image = image
    }
}
