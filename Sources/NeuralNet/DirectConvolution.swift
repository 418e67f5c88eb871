import ConvolutionKernels

/// A convolution of any square kernel, stride and padding (the forward pass, in training and at inference),
/// computed directly on the vectorised kernels of `ConvolutionKernels`: filters packed once per weight version,
/// no columns (im2col) laid out, and the epilogue (bias, residual, ReLU) applied as the output planes are written. The work is split over
/// `ParallelLoop` threads by images, bands of output rows and, when those are too few, blocks of outputs.
struct DirectConvolution {
    let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    private var packedFilters = PackedFilters()

    init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// Output pixels per band: its input rows and products stay in the core's cache.
    private static let bandPixels = 1024

    /// The convolution of `count` images of `[inChannels, h, w]` at `input` into `output`
    /// (`[count, outChannels, ho, wo]`) with filters `weight` (`[out, in, kernel, kernel]`), then `epilogue` if any.
    /// `weightVersion` identifies the weights: their packing is reused while it stays the same.
    mutating func forward(input: UnsafePointer<Float>, count: Int, h: Int, w: Int, weight: UnsafePointer<Float>,
                          weightVersion: Int, output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue?) {
        let (c, o, k) = (inChannels, outChannels, kernel)
        packedFilters.update(version: weightVersion, count: fa_direct_filter_count(Int32(o), Int32(c), Int32(k))) {
            fa_direct_pack_filters(weight, Int32(o), Int32(c), Int32(k), $0)
        }
        let ho = (h + 2 * padding - k) / stride + 1, wo = (w + 2 * padding - k) / stride + 1
        let threads = ParallelLoop.threads
        let bandRows = max(1, min(ho, Self.bandPixels / wo)), bands = (ho + bandRows - 1) / bandRows
        // Output blocks of 32 split too when images × bands leave threads idle.
        let blocks = Int(fa_winograd_padded_outputs(Int32(o))) / 32
        let splits = min(blocks, max(1, (2 * threads + count * bands - 1) / (count * bands)))
        let scratchCount = fa_direct_scratch_count(Int32(c), Int32(o), Int32(w), Int32(k), Int32(stride), Int32(padding), Int32(bandRows))
        let (stride, padding) = (self.stride, self.padding)
        packedFilters.values.withUnsafeBufferPointer { u in
            ParallelLoop.forEach(count * bands * splits, grain: 1) { units in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                defer { scratch.deallocate() }
                for unit in units {
                    let image = unit / (bands * splits), band = unit / splits % bands, split = unit % splits
                    let rows = (band * bandRows)..<min(ho, (band + 1) * bandRows)
                    let outputOffset = image * o * ho * wo
                    fa_direct_convolve(input + image * c * h * w, Int32(c), Int32(h), Int32(w), u.baseAddress!, Int32(o),
                                       Int32(k), Int32(stride), Int32(padding), Int32(rows.lowerBound), Int32(rows.upperBound),
                                       Int32(split * blocks / splits), Int32((split + 1) * blocks / splits),
                                       epilogue?.bias, epilogue?.residual.map { $0 + outputOffset },
                                       epilogue?.relu == true ? 1 : 0, output + outputOffset, scratch)
                }
            }
        }
    }
}
