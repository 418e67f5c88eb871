/// An inference-only 2-D convolution with a bias and an optional fused ReLU, on the direct kernels of
/// `ConvolutionKernels`, for graphs read from other frameworks (TensorFlow Lite): weight `[out, in, k, k]`,
/// NCHW input, any square kernel and stride, symmetric zero padding (pad asymmetric cases first with
/// ``Tensor/zeroPadded(top:left:bottom:right:)``).
public final class BiasedConvolution {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    /// `[outChannels, inChannels, kernel, kernel]`.
    public let weight: [Float]
    /// One value per output channel.
    public let bias: [Float]
    /// Whether ReLU is applied as the output is written.
    public let relu: Bool
    private var direct: DirectConvolution

    /// A convolution with the given filters (`[out, in, kernel, kernel]`, row-major) and bias (`[out]`).
    public init(weight: [Float], bias: [Float], inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, relu: Bool = false) {
        precondition(weight.count == outChannels * inChannels * kernel * kernel && bias.count == outChannels,
                     "BiasedConvolution: \(weight.count) weights and \(bias.count) biases for \(outChannels)×\(inChannels)×\(kernel)×\(kernel)")
        self.weight = weight
        self.bias = bias
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.relu = relu
        direct = DirectConvolution(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding)
    }

    /// The output height or width for an input of `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    /// `[N, out, H', W']` from `[N, in, H, W]`.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels, "BiasedConvolution expects [N, \(inChannels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        var output = uninitializedFloats(n * outChannels * ho * wo)
        x.data.withUnsafeBufferPointer { src in
            weight.withUnsafeBufferPointer { wt in
                bias.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { dst in
                        direct.forward(input: src.baseAddress!, count: n, h: h, w: w, weight: wt.baseAddress!, weightVersion: 0,
                                       output: dst.baseAddress!,
                                       epilogue: ConvolutionEpilogue(bias: b.baseAddress!, residual: nil, relu: relu))
                    }
                }
            }
        }
        return Tensor(shape: [n, outChannels, ho, wo], data: output)
    }
}

/// A depthwise 2-D convolution (one k×k filter per channel, depth multiplier 1) with a bias, at inference:
/// NCHW input, any square kernel and stride, zero padding `top`/`left` before the image (the bottom and right
/// padding follow from the output size, so TensorFlow's asymmetric SAME padding needs no copy).
public final class DepthwiseConvolution {
    public let channels: Int, kernel: Int, stride: Int
    /// `[channels, kernel, kernel]`.
    public let weight: [Float]
    /// One value per channel.
    public let bias: [Float]
    public let relu: Bool

    /// A depthwise convolution with filters `[channels, kernel, kernel]` and bias `[channels]`.
    public init(weight: [Float], bias: [Float], channels: Int, kernel: Int, stride: Int, relu: Bool = false) {
        precondition(weight.count == channels * kernel * kernel && bias.count == channels,
                     "DepthwiseConvolution: \(weight.count) weights and \(bias.count) biases for \(channels)×\(kernel)×\(kernel)")
        self.weight = weight
        self.bias = bias
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
        self.relu = relu
    }

    /// `[N, C, outHeight, outWidth]` from `[N, C, H, W]`, the input shifted by `top` and `left` zero rows and columns.
    public func forward(_ x: Tensor, outHeight: Int, outWidth: Int, top: Int, left: Int) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == channels, "DepthwiseConvolution expects [N, \(channels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (k, s, ho, wo) = (kernel, stride, outHeight, outWidth)
        var output = uninitializedFloats(n * channels * ho * wo)
        let relu = self.relu
        x.data.withUnsafeBufferPointer { src in
            weight.withUnsafeBufferPointer { wt in
                output.withUnsafeMutableBufferPointer { dst in
                    let (src, wt, dst) = (src.baseAddress!, wt.baseAddress!, dst.baseAddress!)
                    let bias = self.bias
                    ParallelLoop.forEach(n * channels, grain: 4) { planes in
                        for plane in planes {
                            let c = plane % channels
                            let input = src + plane * h * w, out = dst + plane * ho * wo, filter = wt + c * k * k
                            for i in 0..<(ho * wo) { out[i] = bias[c] }
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let f = filter[ky * k + kx]
                                    // Output columns whose input column x·s + kx − left lies inside the image.
                                    let last = w - 1 + left - kx
                                    let x0 = max(0, (left - kx + s - 1) / s), x1 = last < 0 ? 0 : min(wo, last / s + 1)
                                    guard x0 < x1 else { continue }
                                    for y in 0..<ho {
                                        let iy = y * s + ky - top
                                        guard iy >= 0, iy < h else { continue }
                                        let row = input + iy * w - left + kx, o = out + y * wo
                                        if s == 1 {
                                            for xo in x0..<x1 { o[xo] += f * row[xo] }
                                        } else {
                                            for xo in x0..<x1 { o[xo] += f * row[xo * s] }
                                        }
                                    }
                                }
                            }
                            if relu { for i in 0..<(ho * wo) { out[i] = max(0, out[i]) } }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, channels, ho, wo], data: output)
    }
}

extension Tensor {
    /// An NCHW tensor with zero rows and columns added around each plane.
    public func zeroPadded(top: Int, left: Int, bottom: Int, right: Int) -> Tensor {
        precondition(shape.count == 4, "zeroPadded expects [N, C, H, W], got \(shape)")
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (hp, wp) = (h + top + bottom, w + left + right)
        var out = [Float](repeating: 0, count: planes * hp * wp)
        for p in 0..<planes {
            for y in 0..<h {
                let from = p * h * w + y * w, to = p * hp * wp + (y + top) * wp + left
                for x in 0..<w { out[to + x] = data[from + x] }
            }
        }
        return Tensor(shape: [shape[0], shape[1], hp, wp], data: out)
    }
}
