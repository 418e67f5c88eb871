/// What an inference convolution does to its output in the same pass that writes it: add a bias per
/// output channel (a folded batch norm's shift), optionally add a residual of the output's shape, and
/// optionally apply ReLU.
struct ConvolutionEpilogue {
    /// One value per output channel.
    let bias: UnsafePointer<Float>
    /// A tensor of the output's layout (`[N, out, H, W]`) to add, if any.
    let residual: UnsafePointer<Float>?
    let relu: Bool

    /// `out[i] = f(source[i] + bias[channel] + residual[offset + i])` for `i < count`, where `offset` is the
    /// position of `out[0]` in the output tensor; `source` may be `out`.
    @inline(__always)
    func apply(_ source: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>, count: Int, channel: Int, offset: Int) {
        let b = bias[channel]
        if let residual {
            let r = residual + offset
            if relu {
                for i in 0..<count { out[i] = max(0, source[i] + b + r[i]) }
            } else {
                for i in 0..<count { out[i] = source[i] + b + r[i] }
            }
        } else if relu {
            for i in 0..<count { out[i] = max(0, source[i] + b) }
        } else {
            for i in 0..<count { out[i] = source[i] + b }
        }
    }
}
