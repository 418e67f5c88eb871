/// The visibility buffer of a render at sample resolution: for every sample, the nearest
/// triangle, its inverse depth, and the perspective-correct barycentric coordinates of the
/// sample on that triangle. Shading reads it afterwards, so hidden surfaces are never shaded.
final class SampleBuffer {
    /// Size in samples.
    let width: Int, height: Int
    /// 1 / depth of the nearest surface; 0 where there is none.
    let inverseDepth: PixelBuffer<Float>
    /// Index of the nearest triangle; -1 where there is none.
    let triangle: PixelBuffer<Int32>
    /// Barycentric coordinates (b1, b2) of the sample on that triangle; b0 = 1 - b1 - b2.
    let barycentric: PixelBuffer<SIMD2<Float>>

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        inverseDepth = PixelBuffer(repeating: 0, count: width * height)
        triangle = PixelBuffer(repeating: -1, count: width * height)
        barycentric = PixelBuffer(repeating: .zero, count: width * height)
    }
}
