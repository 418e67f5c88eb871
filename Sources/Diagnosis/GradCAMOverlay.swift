import Imaging

extension GradCAM {
    /// The network's view of the frame (the centre crop of `frame`, RGB at the transform's resize side)
    /// with the heatmap blended over it in a blue–red colour scale and the landmarks (in crop pixels)
    /// drawn as white dots, like the Emoface paper's Fig. 2c.
    public func overlay(on frame: Image, transform: FrameTransform, landmarks: [SIMD2<Double>], opacity: Float = 0.45) -> Image {
        let s = inputSize, offset = (frame.width - s) / 2
        var out = Image(width: s, height: s, channels: 3)
        for y in 0..<s {
            for x in 0..<s {
                let h = heatmap[y * s + x]
                let color = Self.colorScale(h)
                for c in 0..<3 {
                    let base = Float(frame[offset + x, offset + y, c])
                    out[x, y, c] = UInt8(max(0, min(255, (base * (1 - opacity) + color[c] * opacity).rounded())))
                }
            }
        }
        for p in landmarks {
            let cx = Int(p.x.rounded()), cy = Int(p.y.rounded())
            for dy in -1...1 {
                for dx in -1...1 where (0..<s).contains(cx + dx) && (0..<s).contains(cy + dy) {
                    for c in 0..<3 { out[cx + dx, cy + dy, c] = 255 }
                }
            }
        }
        return out
    }

    /// A jet-like colour for heat in [0, 1]: blue, cyan, yellow, red.
    static func colorScale(_ h: Float) -> SIMD3<Float> {
        let r = max(0, min(1, 1.5 - abs(4 * h - 3))), g = max(0, min(1, 1.5 - abs(4 * h - 2))), b = max(0, min(1, 1.5 - abs(4 * h - 1)))
        return SIMD3(r, g, b) * 255
    }
}
