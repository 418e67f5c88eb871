extension Image {
    /// This image scaled to `width` × `height` with bilinear interpolation (pixel centres aligned).
    ///
    /// Bilinear filtering reads only the 4 nearest source pixels, so shrinking by much more than
    /// 2× aliases; shrink in steps of 2× when that matters.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth >= 0 && newHeight >= 0, "image size must not be negative")
        var out = Image(width: newWidth, height: newHeight, channels: channels)
        guard width > 0, height > 0, newWidth > 0, newHeight > 0 else { return out }
        let sx = Float(width) / Float(newWidth), sy = Float(height) / Float(newHeight)
        let channels = self.channels, width = self.width, height = self.height
        // Horizontal taps are the same for every row: compute them once.
        var x0s = [Int](repeating: 0, count: newWidth), x1s = x0s
        var fxs = [Float](repeating: 0, count: newWidth)
        for x in 0..<newWidth {
            let fx = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(width - 1))
            let x0 = Int(fx)
            x0s[x] = x0; x1s[x] = min(x0 + 1, width - 1); fxs[x] = fx - Float(x0)
        }
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<newHeight {
                    let fy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(height - 1))
                    let y0 = Int(fy), y1 = min(y0 + 1, height - 1), wy = fy - Float(y0)
                    let row0 = y0 * width * channels, row1 = y1 * width * channels
                    for x in 0..<newWidth {
                        let a = x0s[x] * channels, b = x1s[x] * channels, wx = fxs[x]
                        let d = (y * newWidth + x) * channels
                        for c in 0..<channels {
                            let top = Float(src[row0 + a + c]) * (1 - wx) + Float(src[row0 + b + c]) * wx
                            let bottom = Float(src[row1 + a + c]) * (1 - wx) + Float(src[row1 + b + c]) * wx
                            dst[d + c] = UInt8(min(255, max(0, (top * (1 - wy) + bottom * wy).rounded())))
                        }
                    }
                }
            }
        }
        return out
    }
}
