/// What an inference convolution does to its output in the same pass that writes it: add a bias per
/// output channel (a folded batch norm's shift), optionally add a residual of the output's shape, and
/// optionally apply ReLU. The kernels of `ConvolutionKernels` apply it as they write the output planes.
struct ConvolutionEpilogue {
    /// One value per output channel.
    let bias: UnsafePointer<Float>
    /// A tensor of the output's layout (`[N, out, H, W]`) to add, if any.
    let residual: UnsafePointer<Float>?
    let relu: Bool
}
