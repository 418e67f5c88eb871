/// An image with 16 bits per channel, for data rather than pictures: displacement maps,
/// tangent-space normal maps, high-precision masks.
///
/// Stored row-major from the top row with channels interleaved, like `Image`.
/// `channels` is 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA). In PNG files the
/// samples are written as they are (tagged linear), so they round-trip exactly.
public struct Image16: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Channels per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    /// The samples, `(y * width + x) * channels + c`; `width * height * channels` of them.
    public var samples: [UInt16]

    /// Creates an image of the given size with every sample set to `fill`.
    public init(width: Int, height: Int, channels: Int, fill: UInt16 = 0) {
        precondition(width >= 0 && height >= 0, "image size must not be negative")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = [UInt16](repeating: fill, count: width * height * channels)
    }

    /// Creates an image from existing samples; `samples.count` must be `width * height * channels`.
    public init(width: Int, height: Int, channels: Int, samples: [UInt16]) {
        precondition(width >= 0 && height >= 0, "image size must not be negative")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels")
        precondition(samples.count == width * height * channels, "sample count does not match the image size")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// The sample of channel `c` at column `x`, row `y` (row 0 is the top).
    @inlinable
    public subscript(x: Int, y: Int, c: Int) -> UInt16 {
        get {
            assert(x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels, "pixel index out of range")
            return samples[(y * width + x) * channels + c]
        }
        set {
            assert(x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels, "pixel index out of range")
            samples[(y * width + x) * channels + c] = newValue
        }
    }

    /// The sample at `(x, y, c)` as a value in [0, 1].
    @inlinable
    public func normalized(x: Int, y: Int, c: Int) -> Float {
        Float(self[x, y, c]) / 65535
    }
}

extension Image16 {
    /// This image scaled to 8 bits per sample (`round(v / 257)`), keeping the channels.
    public func to8Bit() -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: samples.map { UInt8((UInt32($0) + 128) / 257) })
    }
}

extension Image {
    /// This image widened to 16 bits per sample (`v * 257`, so 255 becomes 65535), keeping the channels.
    public func to16Bit() -> Image16 {
        Image16(width: width, height: height, channels: channels,
                samples: pixels.map { UInt16($0) &* 257 })
    }
}
