/// Batch normalization over the N, H, W axes of an NCHW tensor, one scale and shift per channel.
///
/// In training the batch's mean and (biased) variance normalize, and the running averages move
/// towards them by `momentum` (the running variance uses the unbiased estimate, as PyTorch);
/// in evaluation the running averages normalize.
public final class BatchNorm2d: Layer {
    /// γ, one per channel (initially 1).
    public let weight: Parameter
    /// β, one per channel (initially 0).
    public let bias: Parameter
    /// The running mean per channel.
    public var runningMean: [Float]
    /// The running variance per channel.
    public var runningVariance: [Float]
    /// The number of training batches seen (PyTorch's `num_batches_tracked`).
    public var batchesTracked: Int64 = 0
    public let channels: Int
    public var epsilon: Float = 1e-5
    public var momentum: Float = 0.1

    private var normalized: [Float] = []
    private var inverseDeviation: [Float] = []
    private var shape: [Int] = []
    private var trainedForward = false

    /// A batch normalization for `channels` channels.
    public init(_ channels: Int) {
        self.channels = channels
        weight = Parameter(Tensor(shape: [channels], repeating: 1), decays: true)
        bias = Parameter(Tensor(shape: [channels]), decays: true)
        runningMean = [Float](repeating: 0, count: channels)
        runningVariance = [Float](repeating: 1, count: channels)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count >= 2 && x.shape[1] == channels, "BatchNorm2d expects [N, \(channels), ...], got \(x.shape)")
        shape = x.shape
        trainedForward = training
        let n = x.shape[0], plane = x.count / max(1, n * channels)
        let m = n * plane
        var y = uninitializedFloats(x.count)
        inverseDeviation = [Float](repeating: 0, count: channels)
        if training { normalized = uninitializedFloats(x.count) }
        x.data.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                normalized.withUnsafeMutableBufferPointer { xhat in
                    for c in 0..<channels {
                        let scale = weight.value.data[c], shift = bias.value.data[c]
                        let mean: Float, inv: Float
                        if training {
                            var sum = 0.0, squares = 0.0
                            for i in 0..<n {
                                let p = src.baseAddress! + (i * channels + c) * plane
                                var s: Float = 0, q: Float = 0
                                for j in 0..<plane { let v = p[j]; s += v; q += v * v }
                                sum += Double(s); squares += Double(q)
                            }
                            let mu = sum / Double(m)
                            let variance = max(0, squares / Double(m) - mu * mu)
                            mean = Float(mu)
                            inv = Float(1 / (variance + Double(epsilon)).squareRoot())
                            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean
                            let unbiased = m > 1 ? variance * Double(m) / Double(m - 1) : variance
                            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
                        } else {
                            mean = runningMean[c]
                            inv = 1 / (runningVariance[c] + epsilon).squareRoot()
                        }
                        inverseDeviation[c] = inv
                        let a = scale * inv, b = shift - mean * a
                        for i in 0..<n {
                            let offset = (i * channels + c) * plane
                            let p = src.baseAddress! + offset, q = dst.baseAddress! + offset
                            if training {
                                let h = xhat.baseAddress! + offset
                                for j in 0..<plane { let v = (p[j] - mean) * inv; h[j] = v; q[j] = v * scale + shift }
                            } else {
                                for j in 0..<plane { q[j] = p[j] * a + b }
                            }
                        }
                    }
                }
            }
        }
        if training { batchesTracked += 1 }
        return Tensor(shape: x.shape, data: y)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == shape, "BatchNorm2d.backward: gradient shape \(dy.shape) does not match the output \(shape)")
        let n = shape[0], plane = dy.count / max(1, n * channels)
        let m = Float(n * plane)
        var dx = uninitializedFloats(dy.count)
        dy.data.withUnsafeBufferPointer { grad in
            dx.withUnsafeMutableBufferPointer { out in
                normalized.withUnsafeBufferPointer { xhat in
                    for c in 0..<channels {
                        let scale = weight.value.data[c], inv = inverseDeviation[c]
                        if !trainedForward {
                            // Fixed statistics (evaluation, e.g. GradCAM): y = a·x + b, so ∂x = a·∂y.
                            // γ and β gradients are not accumulated: nothing trains in evaluation mode.
                            let a = scale * inv
                            for i in 0..<n {
                                let offset = (i * channels + c) * plane
                                let g = grad.baseAddress! + offset, o = out.baseAddress! + offset
                                for j in 0..<plane { o[j] = g[j] * a }
                            }
                            continue
                        }
                        var sumDy: Float = 0, sumDyXhat: Float = 0
                        for i in 0..<n {
                            let offset = (i * channels + c) * plane
                            let g = grad.baseAddress! + offset, h = xhat.baseAddress! + offset
                            for j in 0..<plane { sumDy += g[j]; sumDyXhat += g[j] * h[j] }
                        }
                        weight.gradient[c] += sumDyXhat
                        bias.gradient[c] += sumDy
                        let k = scale * inv / m
                        for i in 0..<n {
                            let offset = (i * channels + c) * plane
                            let g = grad.baseAddress! + offset, h = xhat.baseAddress! + offset, o = out.baseAddress! + offset
                            for j in 0..<plane { o[j] = k * (m * g[j] - sumDy - h[j] * sumDyXhat) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: dx)
    }
}
