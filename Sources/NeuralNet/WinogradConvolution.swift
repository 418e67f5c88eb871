import ConvolutionKernels

/// A 3×3 convolution with stride 1 and padding 1 (forward passes and input gradients) by Winograd's
/// F(m×m, 3×3) with m = 2 or 4 (Lavin & Gray, 2016) on the vectorised kernels of `ConvolutionKernels`: an m×m
/// output tile costs (m+2)² multiplications per input and output channel instead of 9m² (F(4×4, 3×3): 36
/// instead of 144).
///
/// Inputs are transformed into tiles V = Bᵀ d B laid out channel-innermost, multiplied by filters U = G g Gᵀ
/// packed once per weight version, and transformed back as Y = Aᵀ M A with the epilogue (bias, residual,
/// ReLU) applied as the output planes are written. Each stage is split over `ParallelLoop` threads.
struct WinogradConvolution {
    /// m: outputs per tile side (2 or 4).
    let tileSize: Int
    let inChannels: Int, outChannels: Int
    private var packedFilters = PackedFilters()
    private var transformedInput: [Float] = []
    private var products: [Float] = []

    init(tileSize: Int, inChannels: Int, outChannels: Int) {
        precondition(tileSize == 2 || tileSize == 4, "Winograd F(m×m, 3×3) is implemented for m = 2 and 4, not \(tileSize)")
        self.tileSize = tileSize
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    /// Tiles per pass: the transformed inputs and products of about this many tiles stay in the caches.
    private static let tilesPerPass = 128

    /// The convolution of `count` images of `[inChannels, h, w]` at `input` into `output`
    /// (`[count, outChannels, h, w]`) with filters `weight` (`[out, in, 3, 3]`), then `epilogue` if any.
    /// `weightVersion` identifies the weights: their transform is reused while it stays the same.
    mutating func forward(input: UnsafePointer<Float>, count: Int, h: Int, w: Int, weight: UnsafePointer<Float>,
                          weightVersion: Int, output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue?) {
        let m = tileSize, (c, o) = (inChannels, outChannels)
        packedFilters.update(version: weightVersion, count: fa_winograd_filter_count(Int32(m), Int32(o), Int32(c))) {
            fa_winograd_pack_filters(Int32(m), weight, Int32(o), Int32(c), $0)
        }
        let positions = (m + 2) * (m + 2)
        let tilesPerImage = ((h + m - 1) / m) * ((w + m - 1) / m)
        let paddedInputs = Int(fa_winograd_padded_inputs(Int32(c))), paddedOutputs = Int(fa_winograd_padded_outputs(Int32(o)))
        let group = max(1, min(count, (Self.tilesPerPass + tilesPerImage - 1) / tilesPerImage))
        let inputScratch = fa_winograd_input_scratch_count(Int32(m), Int32(h), Int32(w))
        let outputScratch = fa_winograd_output_scratch_count(Int32(m), Int32(h), Int32(w))
        var first = 0
        while first < count {
            let g = min(group, count - first), tiles = min(group, count - first) * tilesPerImage
            reserve(&transformedInput, positions * tiles * paddedInputs)
            reserve(&products, positions * tiles * paddedOutputs)
            transformedInput.withUnsafeMutableBufferPointer { v in
                ParallelLoop.forEach(paddedInputs / 16, grain: 1) { blocks in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: inputScratch)
                    defer { scratch.deallocate() }
                    fa_winograd_input_transform(Int32(m), input + first * c * h * w, Int32(g), Int32(c), Int32(h), Int32(w),
                                                v.baseAddress!, Int32(blocks.lowerBound), Int32(blocks.upperBound), scratch)
                }
                packedFilters.values.withUnsafeBufferPointer { u in
                    products.withUnsafeMutableBufferPointer { p in
                        ParallelLoop.forEach(positions, grain: 1) { xi in
                            fa_winograd_multiply(Int32(m), v.baseAddress!, u.baseAddress!, p.baseAddress!, Int32(tiles),
                                                 Int32(c), Int32(o), Int32(xi.lowerBound), Int32(xi.upperBound))
                        }
                    }
                }
            }
            products.withUnsafeBufferPointer { p in
                ParallelLoop.forEach((o + 15) / 16, grain: 1) { blocks in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: outputScratch)
                    defer { scratch.deallocate() }
                    fa_winograd_output_transform(Int32(m), p.baseAddress!, Int32(g), Int32(o), Int32(h), Int32(w),
                                                 epilogue?.bias, epilogue?.residual.map { $0 + first * o * h * w },
                                                 epilogue?.relu == true ? 1 : 0, output + first * o * h * w,
                                                 Int32(blocks.lowerBound), Int32(blocks.upperBound), scratch)
                }
            }
            first += g
        }
    }
}
