import NeuralNet

/// Convolutions computed the plain way, in Double, for checking the fast kernels.
enum ReferenceConvolution {
    /// f(conv(x, weight) + bias + residual): `x` `[n, c, h, w]`, `weight` `[o, c, k, k]`, zero padding; f is ReLU if `relu`.
    static func convolve(_ x: Tensor, _ weight: Tensor, stride: Int, padding: Int, bias: [Float], residual: [Float]?,
                         relu: Bool) -> [Float] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), (o, k) = (weight.shape[0], weight.shape[2])
        let ho = (h + 2 * padding - k) / stride + 1, wo = (w + 2 * padding - k) / stride + 1
        var y = [Float](repeating: 0, count: n * o * ho * wo)
        for i in 0..<n {
            for oc in 0..<o {
                for yy in 0..<ho {
                    for xx in 0..<wo {
                        var s = Double(bias[oc])
                        for ic in 0..<c {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let (sy, sx) = (yy * stride + ky - padding, xx * stride + kx - padding)
                                    guard sy >= 0, sy < h, sx >= 0, sx < w else { continue }
                                    s += Double(x.data[((i * c + ic) * h + sy) * w + sx]) * Double(weight.data[((oc * c + ic) * k + ky) * k + kx])
                                }
                            }
                        }
                        let index = ((i * o + oc) * ho + yy) * wo + xx
                        if let residual { s += Double(residual[index]) }
                        y[index] = relu ? Float(max(0, s)) : Float(s)
                    }
                }
            }
        }
        return y
    }
}
