import Imaging

/// Bilinear lookups in the colour and normal maps, clamped at the edges.
///
/// UV (0, 0) is the bottom-left corner of the image and (1, 1) the top-right, as in OBJ and
/// glTF; texel centres are at half-integer positions.
struct TextureSampler {
    /// The four texels around `uv` and their weights: (x0, y0, x1, y1, fx, fy).
    @inline(__always)
    static func taps(_ uv: SIMD2<Float>, width: Int, height: Int) -> (Int, Int, Int, Int, Float, Float) {
        let x = min(max(uv.x * Float(width) - 0.5, 0), Float(width - 1))
        let y = min(max((1 - uv.y) * Float(height) - 0.5, 0), Float(height - 1))
        let x0 = Int(x), y0 = Int(y)
        return (x0, y0, min(x0 + 1, width - 1), min(y0 + 1, height - 1), x - Float(x0), y - Float(y0))
    }

    /// A colour map converted once for sampling: sRGB bytes read through a linear table.
    struct ColorMap {
        let width: Int, height: Int, channels: Int
        let pixels: PixelBuffer<UInt8>
        let linear: PixelBuffer<Float>

        init?(_ image: Image?) {
            guard let image, image.width > 0, image.height > 0 else { return nil }
            width = image.width; height = image.height; channels = image.channels
            pixels = PixelBuffer(image.pixels)
            linear = PixelBuffer(ColorSpace.linearFromByte)
        }

        @inline(__always)
        private func texel(_ x: Int, _ y: Int) -> SIMD3<Float> {
            let i = (y * width + x) * channels
            let p = pixels.pointer, table = linear.pointer
            if channels >= 3 { return SIMD3(table[Int(p[i])], table[Int(p[i + 1])], table[Int(p[i + 2])]) }
            let g = table[Int(p[i])]
            return SIMD3(g, g, g)
        }

        /// The linear RGB colour at `uv`.
        @inline(__always)
        func sample(_ uv: SIMD2<Float>) -> SIMD3<Float> {
            let (x0, y0, x1, y1, fx, fy) = TextureSampler.taps(uv, width: width, height: height)
            let top = texel(x0, y0) * (1 - fx) + texel(x1, y0) * fx
            let bottom = texel(x0, y1) * (1 - fx) + texel(x1, y1) * fx
            return top * (1 - fy) + bottom * fy
        }
    }

    /// A tangent-space normal map (16-bit, 0…65535 ↦ −1…1).
    struct NormalMap {
        let width: Int, height: Int, channels: Int
        let samples: PixelBuffer<UInt16>

        init?(_ image: Image16?) {
            guard let image, image.width > 0, image.height > 0, image.channels >= 3 else { return nil }
            width = image.width; height = image.height; channels = image.channels
            samples = PixelBuffer(image.samples)
        }

        @inline(__always)
        private func texel(_ x: Int, _ y: Int) -> SIMD3<Float> {
            let i = (y * width + x) * channels, s = samples.pointer
            return SIMD3(Float(s[i]), Float(s[i + 1]), Float(s[i + 2]))
        }

        /// The tangent-space normal at `uv` (not normalised).
        @inline(__always)
        func sample(_ uv: SIMD2<Float>) -> SIMD3<Float> {
            let (x0, y0, x1, y1, fx, fy) = TextureSampler.taps(uv, width: width, height: height)
            let top = texel(x0, y0) * (1 - fx) + texel(x1, y0) * fx
            let bottom = texel(x0, y1) * (1 - fx) + texel(x1, y1) * fx
            return (top * (1 - fy) + bottom * fy) * (2 / 65535) - 1
        }
    }
}
