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
        let m = n * plane, channels = self.channels, epsilon = self.epsilon
        var y = uninitializedFloats(x.count)
        var means = training ? [Float](repeating: 0, count: channels) : runningMean
        var variances = training ? [Float](repeating: 0, count: channels) : runningVariance
        inverseDeviation = [Float](repeating: 0, count: channels)
        if training { normalized = uninitializedFloats(x.count) }
        let grain = max(1, (1 << 15) / max(m, 1))
        x.data.withUnsafeBufferPointer { src in
            if training {
                // Batch statistics per channel (sums of each plane in Float, across planes in Double).
                means.withUnsafeMutableBufferPointer { mean in
                    variances.withUnsafeMutableBufferPointer { variance in
                        ParallelLoop.forEach(channels, grain: grain) { range in
                            for c in range {
                                var sum = 0.0, squares = 0.0
                                for i in 0..<n {
                                    let (s, q) = VectorKernels.sumAndSquares(src.baseAddress! + (i * channels + c) * plane, plane)
                                    sum += Double(s); squares += Double(q)
                                }
                                let mu = sum / Double(m)
                                mean[c] = Float(mu)
                                variance[c] = Float(max(0, squares / Double(m) - mu * mu))
                            }
                        }
                    }
                }
                for c in 0..<channels {
                    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * means[c]
                    let unbiased = m > 1 ? variances[c] * Float(m) / Float(m - 1) : variances[c]
                    runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * unbiased
                }
            }
            for c in 0..<channels { inverseDeviation[c] = 1 / (variances[c] + epsilon).squareRoot() }
            weight.value.data.withUnsafeBufferPointer { scale in
                bias.value.data.withUnsafeBufferPointer { shift in
                    inverseDeviation.withUnsafeBufferPointer { inverse in
                        y.withUnsafeMutableBufferPointer { dst in
                            normalized.withUnsafeMutableBufferPointer { xhat in
                                ParallelLoop.forEach(channels, grain: grain) { range in
                                    for c in range {
                                        let mean = means[c], inv = inverse[c], gamma = scale[c], beta = shift[c]
                                        let a = gamma * inv, b = beta - mean * a
                                        for i in 0..<n {
                                            let offset = (i * channels + c) * plane
                                            let p = src.baseAddress! + offset, q = dst.baseAddress! + offset
                                            if training {
                                                VectorKernels.normalize(p, xhat.baseAddress! + offset, q, plane, mean: mean, inverse: inv,
                                                                        scale: gamma, shift: beta)
                                            } else {
                                                VectorKernels.affine(p, q, plane, a, b)
                                            }
                                        }
                                    }
                                }
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
        let m = Float(n * plane), channels = self.channels, trained = trainedForward
        var dx = uninitializedFloats(dy.count)
        var sumsDy = [Float](repeating: 0, count: channels), sumsDyXhat = [Float](repeating: 0, count: channels)
        let grain = max(1, (1 << 15) / max(n * plane, 1))
        dy.data.withUnsafeBufferPointer { grad in
            dx.withUnsafeMutableBufferPointer { out in
                normalized.withUnsafeBufferPointer { xhat in
                    weight.value.data.withUnsafeBufferPointer { scale in
                        inverseDeviation.withUnsafeBufferPointer { inverse in
                            sumsDy.withUnsafeMutableBufferPointer { sumDyOut in
                                sumsDyXhat.withUnsafeMutableBufferPointer { sumDyXhatOut in
                                    ParallelLoop.forEach(channels, grain: grain) { range in
                                        for c in range {
                                            let inv = inverse[c]
                                            if !trained {
                                                // Fixed statistics (evaluation, e.g. GradCAM): y = a·x + b, so ∂x = a·∂y.
                                                // γ and β gradients are not accumulated: nothing trains in evaluation mode.
                                                let a = scale[c] * inv
                                                for i in 0..<n {
                                                    let offset = (i * channels + c) * plane
                                                    VectorKernels.affine(grad.baseAddress! + offset, out.baseAddress! + offset, plane, a, 0)
                                                }
                                                continue
                                            }
                                            var sumDy: Float = 0, sumDyXhat: Float = 0
                                            for i in 0..<n {
                                                let offset = (i * channels + c) * plane
                                                let (s, d) = VectorKernels.sumAndDot(grad.baseAddress! + offset, xhat.baseAddress! + offset, plane)
                                                sumDy += s; sumDyXhat += d
                                            }
                                            sumDyOut[c] = sumDy
                                            sumDyXhatOut[c] = sumDyXhat
                                            let k = scale[c] * inv / m
                                            for i in 0..<n {
                                                let offset = (i * channels + c) * plane
                                                VectorKernels.batchNormGradient(grad.baseAddress! + offset, xhat.baseAddress! + offset,
                                                                                out.baseAddress! + offset, plane, k: k, m: m, sumG: sumDy, dot: sumDyXhat)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if trained {
            for c in 0..<channels {
                weight.gradient[c] += sumsDyXhat[c]
                bias.gradient[c] += sumsDy[c]
            }
        }
        return Tensor(shape: shape, data: dx)
    }
}
