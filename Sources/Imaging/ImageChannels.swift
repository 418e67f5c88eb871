extension Image {
    /// This image with `channels` channels: gray is replicated into RGB, colour becomes gray by
    /// Rec. 709 luma, a missing alpha channel is opaque (255), and a dropped alpha is discarded
    /// (not composited).
    public func converted(toChannels target: Int) -> Image {
        precondition((1...4).contains(target), "an image has 1 to 4 channels")
        if target == channels { return self }
        var out = Image(width: width, height: height, channels: target, fill: 255)
        let sourceColor = channels >= 3, sourceAlpha = hasAlpha
        let targetColor = target >= 3, targetAlpha = target == 2 || target == 4
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(width * height) {
                    let s = i * channels, d = i * target
                    if targetColor {
                        if sourceColor {
                            dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                        } else {
                            dst[d] = src[s]; dst[d + 1] = src[s]; dst[d + 2] = src[s]
                        }
                    } else {
                        dst[d] = sourceColor ? Image.luma(src[s], src[s + 1], src[s + 2]) : src[s]
                    }
                    if targetAlpha, sourceAlpha {
                        dst[d + target - 1] = src[s + channels - 1]
                    }
                }
            }
        }
        return out
    }

    /// Rec. 709 luma of an RGB triple, rounded.
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let red: Float = 0.2126 * Float(r), green: Float = 0.7152 * Float(g), blue: Float = 0.0722 * Float(b)
        let y: Float = (red + green + blue).rounded()
        return UInt8(min(255, y))
    }

    /// Expands a colour given as 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) values to this
    /// image's channel layout; missing alpha is opaque.
    func sample(for color: [UInt8]) -> [UInt8] {
        let rgba: [UInt8]
        switch color.count {
        case 0: rgba = [0, 0, 0, 255]
        case 1: rgba = [color[0], color[0], color[0], 255]
        case 2: rgba = [color[0], color[0], color[0], color[1]]
        case 3: rgba = [color[0], color[1], color[2], 255]
        default: rgba = Array(color.prefix(4))
        }
        switch channels {
        case 1: return [Image.luma(rgba[0], rgba[1], rgba[2])]
        case 2: return [Image.luma(rgba[0], rgba[1], rgba[2]), rgba[3]]
        case 3: return Array(rgba.prefix(3))
        default: return rgba
        }
    }
}
