import ConvolutionKernels
import NeuralNet
import Numerics
import Testing

/// The vectorised direct convolution kernel against a plain convolution, for every kernel family the processor runs.
@Suite("Direct convolution kernels", .serialized)
struct DirectKernelTests {
    /// The kernel's convolution of every image, in bands of `bandRows` output rows and `splits` ranges of output blocks.
    static func direct(_ x: Tensor, _ weight: Tensor, stride: Int, padding: Int, bias: [Float]?, residual: [Float]?,
                       relu: Bool, bandRows: Int, splits: Int) -> [Float] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), (o, k) = (weight.shape[0], weight.shape[2])
        let ho = (h + 2 * padding - k) / stride + 1, wo = (w + 2 * padding - k) / stride + 1
        var packed = [Float](repeating: .nan, count: fa_direct_filter_count(Int32(o), Int32(c), Int32(k)))
        fa_direct_pack_filters(weight.data, Int32(o), Int32(c), Int32(k), &packed)
        var scratch = [Float](repeating: .nan, count: fa_direct_scratch_count(Int32(c), Int32(o), Int32(w), Int32(k), Int32(stride),
                                                                               Int32(padding), Int32(bandRows)))
        var y = [Float](repeating: .nan, count: n * o * ho * wo)
        let blocks = (o + 31) / 32
        for image in 0..<n {
            for first in Swift.stride(from: 0, to: ho, by: bandRows) {
                for split in 0..<splits {
                    let outputOffset = image * o * ho * wo
                    let residualImage = residual.map { Array($0[outputOffset..<(outputOffset + o * ho * wo)]) }
                    var out = Array(y[outputOffset..<(outputOffset + o * ho * wo)])
                    let imageData = Array(x.data[(image * c * h * w)..<((image + 1) * c * h * w)])
                    func run(_ b: UnsafePointer<Float>?, _ r: UnsafePointer<Float>?) {
                        fa_direct_convolve(imageData, Int32(c), Int32(h), Int32(w), packed, Int32(o), Int32(k), Int32(stride),
                                           Int32(padding), Int32(first), Int32(min(ho, first + bandRows)),
                                           Int32(split * blocks / splits), Int32((split + 1) * blocks / splits),
                                           b, r, relu ? 1 : 0, &out, &scratch)
                    }
                    switch (bias, residualImage) {
                    case let (b?, r?): run(b, r)
                    case let (b?, nil): run(b, nil)
                    case let (nil, r?): run(nil, r)
                    case (nil, nil): run(nil, nil)
                    }
                    y.replaceSubrange(outputOffset..<(outputOffset + o * ho * wo), with: out)
                }
            }
        }
        return y
    }

    @Test("each kernel family equals a plain convolution (7×7/2 stem, 3×3/2, 1×1/2, 3×3/1; tails, bands, output splits, epilogue)")
    func familiesMatchPlain() {
        defer { fa_kernels_set_level(0) }
        for level in 1...fa_kernels_level() {
            fa_kernels_set_level(Int32(level))
            // (images, in, out, h, w, kernel, stride, padding, band rows, output splits)
            for (n, c, o, h, w, k, s, p, rows, splits) in [(1, 3, 40, 19, 23, 7, 2, 3, 3, 1), (2, 32, 33, 9, 20, 3, 2, 1, 2, 2),
                                                          (1, 16, 64, 8, 18, 1, 2, 0, 4, 2), (1, 5, 7, 6, 5, 3, 1, 1, 6, 1)] {
                let x = GradientCheck.random([n, c, h, w], seed: UInt64(c))
                let weight = GradientCheck.random([o, c, k, k], seed: UInt64(o))
                let ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1
                let bias = GradientCheck.random([o], seed: 5).data
                let residual = GradientCheck.random([n, o, ho, wo], seed: 6).data
                for (useBias, useResidual, relu) in [(false, false, false), (true, true, true), (true, false, true)] {
                    let expected = ReferenceConvolution.convolve(x, weight, stride: s, padding: p,
                                                                 bias: useBias ? bias : [Float](repeating: 0, count: o),
                                                                 residual: useResidual ? residual : nil, relu: relu)
                    let got = Self.direct(x, weight, stride: s, padding: p, bias: useBias ? bias : nil,
                                          residual: useResidual ? residual : nil, relu: relu, bandRows: rows, splits: splits)
                    let error = GradientCheck.relativeError(got, expected)
                    #expect(error < 1e-5, "level \(level), \(n)×\(c)→\(o) \(k)×\(k)/\(s) on \(h)×\(w): error \(error)")
                }
            }
        }
    }
}
