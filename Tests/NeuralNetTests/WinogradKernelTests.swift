import ConvolutionKernels
import NeuralNet
import Numerics
import Testing

/// The vectorised Winograd kernels against a direct 3×3 convolution, for every kernel family the processor runs.
@Suite("Winograd F(2×2, 3×3) and F(4×4, 3×3) kernels", .serialized)
struct WinogradKernelTests {
    /// The kernels' convolution, the stages run one range at a time as `WinogradConvolution` splits them.
    static func winograd(m: Int, _ x: Tensor, _ weight: Tensor, bias: [Float]?, residual: [Float]?, relu: Bool) -> [Float] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), o = weight.shape[0]
        let mm = Int32(m), positions = (m + 2) * (m + 2)
        let tiles = n * ((h + m - 1) / m) * ((w + m - 1) / m)
        let cp = Int(fa_winograd_padded_inputs(Int32(c))), op = Int(fa_winograd_padded_outputs(Int32(o)))
        var packed = [Float](repeating: .nan, count: fa_winograd_filter_count(mm, Int32(o), Int32(c)))
        fa_winograd_pack_filters(mm, weight.data, Int32(o), Int32(c), &packed)
        var v = [Float](repeating: .nan, count: positions * tiles * cp)
        var products = [Float](repeating: .nan, count: positions * tiles * op)
        var inScratch = [Float](repeating: .nan, count: fa_winograd_input_scratch_count(mm, Int32(h), Int32(w)))
        var outScratch = [Float](repeating: .nan, count: fa_winograd_output_scratch_count(mm, Int32(h), Int32(w)))
        var y = [Float](repeating: .nan, count: n * o * h * w)
        for block in 0..<(cp / 16) {
            fa_winograd_input_transform(mm, x.data, Int32(n), Int32(c), Int32(h), Int32(w), &v, Int32(block), Int32(block + 1), &inScratch)
        }
        for xi in 0..<positions {
            fa_winograd_multiply(mm, v, packed, &products, Int32(tiles), Int32(c), Int32(o), Int32(xi), Int32(xi + 1))
        }
        for block in 0..<((o + 15) / 16) {
            let run = { (b: UnsafePointer<Float>?, r: UnsafePointer<Float>?) in
                fa_winograd_output_transform(mm, products, Int32(n), Int32(o), Int32(h), Int32(w), b, r, relu ? 1 : 0, &y,
                                             Int32(block), Int32(block + 1), &outScratch)
            }
            switch (bias, residual) {
            case let (b?, r?): run(b, r)
            case let (b?, nil): run(b, nil)
            case let (nil, r?): run(nil, r)
            case (nil, nil): run(nil, nil)
            }
        }
        return y
    }

    @Test("each kernel family equals a direct convolution (channel tails, odd sizes, several images, bias, residual, ReLU)")
    func familiesMatchDirect() {
        defer { fa_kernels_set_level(0) }
        let best = fa_kernels_level()
        for level in 1...best {
            fa_kernels_set_level(Int32(level))
            #expect(fa_kernels_level() == Int32(level))
            for (m, n, c, o, h, w, seed) in [(4, 2, 17, 35, 9, 13, 1), (2, 3, 5, 3, 7, 6, 2), (4, 1, 32, 64, 8, 8, 3), (2, 1, 16, 32, 1, 5, 4)] {
                let x = GradientCheck.random([n, c, h, w], seed: UInt64(seed))
                let weight = GradientCheck.random([o, c, 3, 3], seed: UInt64(seed + 10))
                let bias = GradientCheck.random([o], seed: UInt64(seed + 20)).data
                let residual = GradientCheck.random([n, o, h, w], seed: UInt64(seed + 30)).data
                for (useBias, useResidual, relu) in [(false, false, false), (true, false, true), (true, true, true), (false, true, false)] {
                    let expected = ReferenceConvolution.convolve(x, weight, stride: 1, padding: 1, bias: useBias ? bias : [Float](repeating: 0, count: o),
                                               residual: useResidual ? residual : nil, relu: relu)
                    let got = Self.winograd(m: m, x, weight, bias: useBias ? bias : nil, residual: useResidual ? residual : nil, relu: relu)
                    let error = GradientCheck.relativeError(got, expected)
                    #expect(error < (m == 4 ? 2e-5 : 1e-5),
                            "level \(level), F(\(m)×\(m)), \(n)×\(c)→\(o) on \(h)×\(w), bias \(useBias) residual \(useResidual) relu \(relu): error \(error)")
                }
            }
        }
    }

    @Test("a level above what the processor runs falls back to the best one; 0 restores it")
    func levelClamps() {
        defer { fa_kernels_set_level(0) }
        fa_kernels_set_level(0)
        let best = fa_kernels_level()
        #expect((1...3).contains(best))
        fa_kernels_set_level(99)
        #expect(fa_kernels_level() == best)
        fa_kernels_set_level(1)
        #expect(fa_kernels_level() == 1)
    }
}
