/// A 2-D convolution without bias (as in ResNet): weight `[out, in, kernel, kernel]`, NCHW input.
///
/// The forward pass runs on the vectorised kernels of `ConvolutionKernels`: 3×3 convolutions with stride 1
/// by Winograd (`WinogradConvolution`), all others directly on packed filters (`DirectConvolution`). The
/// backward pass lays patches out as columns (im2col) for several images at once, multiplies them with
/// `cblas_sgemm` for the weight gradient and scatters the column gradient back (col2im); the input gradient
/// of a Winograd convolution is the Winograd convolution of the output gradient with the flipped filters.
public final class Conv2d: Layer {
    /// `[outChannels, inChannels, kernel, kernel]`.
    public let weight: Parameter
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int

    /// Whether a 3×3 convolution with stride 1 and padding 1 computes its forward pass and input gradient by
    /// Winograd's F(2×2, 3×3) (F(4×4, 3×3) at inference where a pass has enough tiles).
    public var usesWinograd: Bool
    private var winograd: WinogradConvolution?
    private var transposedWinograd: WinogradConvolution?
    private var transposedWeight: [Float] = []
    private var transposedVersion: Int?
    private var input = Tensor(shape: [0])
    /// Scratch of the backward pass: columns (im2col) and the output gradient gathered per group of images.
    private var columns: [Float] = []
    private var gathered: [Float] = []

    /// A convolution with Kaiming-normal initial weights (fan-out, ReLU gain), as torchvision's ResNet.
    public init<G: RandomNumberGenerator>(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1,
                                          padding: Int = 0, generator: inout G) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        usesWinograd = kernel == 3 && stride == 1 && padding == 1
        let fanOut = Float(outChannels * kernel * kernel)
        weight = Parameter(.normal(shape: [outChannels, inChannels, kernel, kernel],
                                   standardDeviation: (2 / fanOut).squareRoot(), using: &generator))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }

    /// The output height or width for an input of `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    /// Images per matrix product so that it spans about `targetColumns` output pixels.
    private func groupSize(batch: Int, pixels: Int) -> Int {
        let target = 1024
        return max(1, min(batch, (target + pixels - 1) / pixels))
    }

    private var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels, "Conv2d expects [N, \(inChannels), H, W], got \(x.shape)")
        input = x
        return weight.value.data.withUnsafeBufferPointer { wt in
            convolve(x, weight: wt.baseAddress!, weightVersion: weight.version, folded: false, epilogue: nil)
        }
    }

    /// `f(batchNorm(conv(x)) + residual)` in evaluation mode, with `f` ReLU if `relu`: the batch norm's
    /// running statistics, scale and shift are folded into the filters and a bias per output channel
    /// (cached while neither the weights nor the batch norm change), and bias, residual and ReLU are
    /// applied as the output is written. Keeps nothing for `backward`.
    public func inferenceForward(_ x: Tensor, batchNorm: BatchNorm2d, residual: Tensor?, relu: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels, "Conv2d expects [N, \(inChannels), H, W], got \(x.shape)")
        precondition(batchNorm.channels == outChannels, "Conv2d.inferenceForward: batch norm has \(batchNorm.channels) channels, not \(outChannels)")
        fold(batchNorm)
        let outputShape = [x.shape[0], outChannels, outputSize(x.shape[2]), outputSize(x.shape[3])]
        precondition(residual.map { $0.shape == outputShape } ?? true, "Conv2d.inferenceForward: residual shape does not match the output \(outputShape)")
        return foldedWeight.withUnsafeBufferPointer { wt in
            foldedBias.withUnsafeBufferPointer { bias in
                func run(_ residual: UnsafePointer<Float>?) -> Tensor {
                    convolve(x, weight: wt.baseAddress!, weightVersion: foldedVersion, folded: true,
                             epilogue: ConvolutionEpilogue(bias: bias.baseAddress!, residual: residual, relu: relu))
                }
                if let residual {
                    return residual.data.withUnsafeBufferPointer { run($0.baseAddress!) }
                }
                return run(nil)
            }
        }
    }

    /// What folded weights were computed from.
    private struct FoldSource: Equatable {
        var weightVersion: Int, scaleVersion: Int, shiftVersion: Int
        var mean: [Float], variance: [Float], epsilon: Float
    }
    private var foldSource: FoldSource?
    private var foldedWeight: [Float] = []
    private var foldedBias: [Float] = []
    /// Changes whenever `foldedWeight` is recomputed (the Winograd filter cache follows it).
    private var foldedVersion = 0
    /// Convolutions that are not 3×3 with stride 1, on packed filters: of the trained weights [0] and of the folded ones [1].
    private var direct: [DirectConvolution?] = [nil, nil]
    /// Inference convolutions by F(m×m, 3×3), by m.
    private var foldedWinograd: [Int: WinogradConvolution] = [:]
    /// F(4×4, 3×3) runs when a pass has at least this many of its tiles; below, the few tiles mostly pad the
    /// image (a 14×14 map in 4×4 tiles covers 16×16) and its 36 filter positions (F(2×2, 3×3): 16) stream from
    /// memory for little work. Measured on ResNet-18 at 224×224, batch 1: the 14×14 stage is as fast either way,
    /// the 7×7 stage faster with F(2×2, 3×3).
    private static let largeTileMinimum = 40

    /// W'[o] = W[o]·γ[o]/√(σ²[o] + ε), b[o] = β[o] − μ[o]·γ[o]/√(σ²[o] + ε), unless cached.
    private func fold(_ bn: BatchNorm2d) {
        let source = FoldSource(weightVersion: weight.version, scaleVersion: bn.weight.version, shiftVersion: bn.bias.version,
                                mean: bn.runningMean, variance: bn.runningVariance, epsilon: bn.epsilon)
        if source == foldSource { return }
        let perOutput = inChannels * kernel * kernel
        reserve(&foldedWeight, outChannels * perOutput)
        reserve(&foldedBias, outChannels)
        for o in 0..<outChannels {
            let a = bn.weight.value.data[o] / (bn.runningVariance[o] + bn.epsilon).squareRoot()
            foldedBias[o] = bn.bias.value.data[o] - bn.runningMean[o] * a
            for i in 0..<perOutput { foldedWeight[o * perOutput + i] = weight.value.data[o * perOutput + i] * a }
        }
        foldSource = source
        foldedVersion &+= 1
    }

    /// The convolution of `x` with filters `weight`, then `epilogue` if any. `folded` marks the folded weights
    /// (inference), which may use Winograd F(4×4, 3×3) instead of F(2×2, 3×3) and have their own packed filters.
    private func convolve(_ x: Tensor, weight: UnsafePointer<Float>, weightVersion: Int, folded: Bool,
                          epilogue: ConvolutionEpilogue?) -> Tensor {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        let pixels = ho * wo, outChannels = self.outChannels
        var output = uninitializedFloats(n * outChannels * pixels)
        if usesWinograd && kernel == 3 && stride == 1 && padding == 1 {
            x.data.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    if folded {
                        let m = n * ((h + 3) / 4) * ((w + 3) / 4) < Self.largeTileMinimum ? 2 : 4
                        if foldedWinograd[m] == nil {
                            foldedWinograd[m] = WinogradConvolution(tileSize: m, inChannels: inChannels, outChannels: outChannels)
                        }
                        foldedWinograd[m]!.forward(input: src.baseAddress!, count: n, h: h, w: w, weight: weight,
                                                   weightVersion: weightVersion, output: dst.baseAddress!, epilogue: epilogue)
                    } else {
                        if winograd == nil { winograd = WinogradConvolution(tileSize: 2, inChannels: inChannels, outChannels: outChannels) }
                        winograd!.forward(input: src.baseAddress!, count: n, h: h, w: w, weight: weight,
                                          weightVersion: weightVersion, output: dst.baseAddress!, epilogue: epilogue)
                    }
                }
            }
            return Tensor(shape: [n, outChannels, ho, wo], data: output)
        }
        x.data.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                let index = folded ? 1 : 0
                if direct[index] == nil {
                    direct[index] = DirectConvolution(inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                                                      stride: stride, padding: padding)
                }
                direct[index]!.forward(input: src.baseAddress!, count: n, h: h, w: w, weight: weight,
                                       weightVersion: weightVersion, output: dst.baseAddress!, epilogue: epilogue)
            }
        }
        return Tensor(shape: [n, outChannels, ho, wo], data: output)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let x = input
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        precondition(dy.shape == [n, outChannels, ho, wo], "Conv2d.backward: gradient shape \(dy.shape) does not match the output")
        let pixels = ho * wo, k = inChannels * kernel * kernel
        // For 3×3, stride 1, padding 1 the input gradient is the same kind of convolution of the output
        // gradient with the filters transposed (in ↔ out) and rotated by 180°: Winograd computes it.
        let winogradInput = usesWinograd && kernel == 3 && stride == 1 && padding == 1
        var dx = winogradInput ? uninitializedFloats(x.count) : [Float](repeating: 0, count: x.count)
        let group = groupSize(batch: n, pixels: pixels)
        reserve(&columns, k * group * pixels)
        if group > 1 { reserve(&gathered, outChannels * group * pixels) }
        x.data.withUnsafeBufferPointer { src in
            dy.data.withUnsafeBufferPointer { grad in
                weight.value.data.withUnsafeBufferPointer { wt in
                    weight.gradient.withUnsafeMutableBufferPointer { dw in
                        columns.withUnsafeMutableBufferPointer { col in
                            gathered.withUnsafeMutableBufferPointer { tmp in
                                dx.withUnsafeMutableBufferPointer { dinput in
                                    var first = 0
                                    while first < n {
                                        let g = min(group, n - first)
                                        let width = g * pixels
                                        // ∂L/∂out for the group as [out, g·pixels].
                                        let dOut: UnsafePointer<Float>
                                        if g == 1 {
                                            dOut = grad.baseAddress! + first * outChannels * pixels
                                        } else {
                                            ParallelLoop.forEach(outChannels, grain: 8) { outputs in
                                            for o in outputs {
                                                for i in 0..<g {
                                                    (tmp.baseAddress! + o * width + i * pixels)
                                                        .update(from: grad.baseAddress! + ((first + i) * outChannels + o) * pixels,
                                                                count: pixels)
                                                }
                                            }
                                            }
                                            dOut = UnsafePointer(tmp.baseAddress!)
                                        }
                                        // Weight gradient: dW += dOut · colsᵀ.
                                        let cols: UnsafePointer<Float>
                                        if g == 1 && isPointwise {
                                            cols = src.baseAddress! + first * inChannels * h * w
                                        } else {
                                            for i in 0..<g {
                                                im2col(src.baseAddress! + (first + i) * inChannels * h * w, h: h, w: w,
                                                       into: col.baseAddress! + i * pixels, rowStride: width)
                                            }
                                            cols = UnsafePointer(col.baseAddress!)
                                        }
                                        gemm(transposeA: false, transposeB: true, m: outChannels, n: k, k: width,
                                             a: dOut, lda: width, b: cols, ldb: width, beta: 1, c: dw.baseAddress!, ldc: k)
                                        // Column gradient: Wᵀ · dOut, then back to image positions.
                                        if winogradInput {
                                            // The input gradient comes from the transposed Winograd convolution below.
                                        } else if g == 1 && isPointwise {
                                            gemm(transposeA: true, transposeB: false, m: k, n: pixels, k: outChannels,
                                                 a: wt.baseAddress!, lda: k, b: dOut, ldb: pixels,
                                                 beta: 0, c: dinput.baseAddress! + first * inChannels * h * w, ldc: pixels)
                                        } else {
                                            gemm(transposeA: true, transposeB: false, m: k, n: width, k: outChannels,
                                                 a: wt.baseAddress!, lda: k, b: dOut, ldb: width,
                                                 beta: 0, c: col.baseAddress!, ldc: width)
                                            for i in 0..<g {
                                                col2im(col.baseAddress! + i * pixels, rowStride: width, h: h, w: w,
                                                       into: dinput.baseAddress! + (first + i) * inChannels * h * w)
                                            }
                                        }
                                        first += g
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if winogradInput {
            if transposedWinograd == nil { transposedWinograd = WinogradConvolution(tileSize: 2, inChannels: outChannels, outChannels: inChannels) }
            if transposedVersion != weight.version {
                // W'[c][o][ky][kx] = W[o][c][2 − ky][2 − kx]
                reserve(&transposedWeight, weight.value.count)
                for o in 0..<outChannels {
                    for c in 0..<inChannels {
                        for t in 0..<9 { transposedWeight[(c * outChannels + o) * 9 + t] = weight.value.data[(o * inChannels + c) * 9 + 8 - t] }
                    }
                }
                transposedVersion = weight.version
            }
            dy.data.withUnsafeBufferPointer { grad in
                transposedWeight.withUnsafeBufferPointer { wt in
                    dx.withUnsafeMutableBufferPointer { out in
                        transposedWinograd!.forward(input: grad.baseAddress!, count: n, h: h, w: w, weight: wt.baseAddress!,
                                                    weightVersion: weight.version, output: out.baseAddress!, epilogue: nil)
                    }
                }
            }
        }
        return Tensor(shape: x.shape, data: dx)
    }

    /// The output columns `lo..<hi` whose input column `ox·stride − padding + kx` lies inside `0..<w`.
    @inline(__always)
    private func validRange(offset: Int, size: Int, outSize: Int) -> (Int, Int) {
        // input = o·stride + offset must satisfy 0 ≤ input < size
        var lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        var hi = size - offset <= 0 ? 0 : (size - offset - 1) / stride + 1
        lo = min(lo, outSize)
        hi = max(lo, min(hi, outSize))
        return (lo, hi)
    }

    /// Writes the patches of one image (`[inChannels, h, w]`) as rows `(c, ky, kx)` of output pixels.
    private func im2col(_ image: UnsafePointer<Float>, h: Int, w: Int, into col: UnsafeMutablePointer<Float>, rowStride: Int) {
        let (ho, wo) = (outputSize(h), outputSize(w))
        let kernel = self.kernel, padding = self.padding, stride = self.stride
        // Parts of (channel, kernel row), each writing its own rows: a few channels (the RGB stem) still spread
        // over every thread.
        ParallelLoop.forEach(inChannels * kernel, grain: max(1, (1 << 14) / max(kernel * ho * wo, 1))) { units in
            for unit in units {
                let (c, ky) = (unit / kernel, unit % kernel)
                let plane = image + c * h * w
                let (yLo, yHi) = validRange(offset: ky - padding, size: h, outSize: ho)
                for kx in 0..<kernel {
                    let (xLo, xHi) = validRange(offset: kx - padding, size: w, outSize: wo)
                    let out = col + (unit * kernel + kx) * rowStride
                    for oy in 0..<ho {
                        let dst = out + oy * wo
                        guard oy >= yLo && oy < yHi else {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        let source = plane + (oy * stride + ky - padding) * w + kx - padding
                        if xLo > 0 { dst.update(repeating: 0, count: xLo) }
                        if stride == 1 {
                            (dst + xLo).update(from: source + xLo, count: xHi - xLo)
                        } else {
                            for ox in xLo..<xHi { dst[ox] = source[ox * stride] }
                        }
                        if xHi < wo { (dst + xHi).update(repeating: 0, count: wo - xHi) }
                    }
                }
            }
        }
    }

    /// Adds column gradients (the layout of `im2col`) back into the image gradient `[inChannels, h, w]`.
    private func col2im(_ col: UnsafePointer<Float>, rowStride: Int, h: Int, w: Int, into image: UnsafeMutablePointer<Float>) {
        let (ho, wo) = (outputSize(h), outputSize(w))
        let kernel = self.kernel, padding = self.padding, stride = self.stride
        // Each channel's rows add into that channel's plane only: channels run in parallel.
        ParallelLoop.forEach(inChannels, grain: max(1, (1 << 14) / max(kernel * kernel * ho * wo, 1))) { channels in
        for c in channels {
            let plane = image + c * h * w
            var row = c * kernel * kernel
            for ky in 0..<kernel {
                let (yLo, yHi) = validRange(offset: ky - padding, size: h, outSize: ho)
                for kx in 0..<kernel {
                    let (xLo, xHi) = validRange(offset: kx - padding, size: w, outSize: wo)
                    let source = col + row * rowStride
                    var oy = yLo
                    while oy < yHi {
                        let src = source + oy * wo
                        let target = plane + (oy * stride + ky - padding) * w + kx - padding
                        var ox = xLo
                        if stride == 1 {
                            while ox < xHi { target[ox] += src[ox]; ox += 1 }
                        } else {
                            while ox < xHi { target[ox * stride] += src[ox]; ox += 1 }
                        }
                        oy += 1
                    }
                    row += 1
                }
            }
        }
        }
    }
}
