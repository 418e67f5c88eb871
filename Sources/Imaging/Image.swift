/// An image with 8 bits per channel, stored row-major from the top row, channels interleaved.
///
/// `channels` is 1 (gray), 2 (gray and alpha), 3 (RGB) or 4 (RGBA). Colour values are
/// sRGB-encoded, as in a PNG file; alpha is linear coverage (not premultiplied).
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Channels per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    /// The samples, `(y * width + x) * channels + c`; `width * height * channels` of them.
    public var pixels: [UInt8]

    /// Creates an image of the given size with every sample set to `fill`.
    public init(width: Int, height: Int, channels: Int, fill: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "image size must not be negative")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = [UInt8](repeating: fill, count: width * height * channels)
    }

    /// Creates an image from existing samples; `pixels.count` must be `width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "image size must not be negative")
        precondition((1...4).contains(channels), "an image has 1 to 4 channels")
        precondition(pixels.count == width * height * channels, "pixel count does not match the image size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The sample of channel `c` at column `x`, row `y` (row 0 is the top).
    @inlinable
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get {
            assert(x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels, "pixel index out of range")
            return pixels[(y * width + x) * channels + c]
        }
        set {
            assert(x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels, "pixel index out of range")
            pixels[(y * width + x) * channels + c] = newValue
        }
    }

    /// Whether the image has an alpha channel (2 or 4 channels).
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// Whether the image has colour channels (3 or 4 channels).
    public var isColor: Bool { channels >= 3 }
}
