/// y = x·Wᵀ + b on `[N, in]` inputs: weight `[out, in]`, bias `[out]` (PyTorch's layout).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let inFeatures: Int, outFeatures: Int
    private var input = Tensor(shape: [0])

    /// A linear layer initialized as PyTorch's (uniform in ±1/√in for weight and bias).
    public init<G: RandomNumberGenerator>(_ inFeatures: Int, _ outFeatures: Int, generator: inout G) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Parameter(.uniform(shape: [outFeatures, inFeatures], bound: bound, using: &generator))
        bias = Parameter(.uniform(shape: [outFeatures], bound: bound, using: &generator))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count == 2 && x.shape[1] == inFeatures, "Linear expects [N, \(inFeatures)], got \(x.shape)")
        input = x
        let n = x.shape[0]
        var y = [Float](repeating: 0, count: n * outFeatures)
        for i in 0..<n { for o in 0..<outFeatures { y[i * outFeatures + o] = bias.value.data[o] } }
        x.data.withUnsafeBufferPointer { a in
            weight.value.data.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { c in
                    gemm(transposeA: false, transposeB: true, m: n, n: outFeatures, k: inFeatures,
                         a: a.baseAddress!, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures, beta: 1,
                         c: c.baseAddress!, ldc: outFeatures)
                }
            }
        }
        return Tensor(shape: [n, outFeatures], data: y)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let n = input.shape[0]
        precondition(dy.shape == [n, outFeatures], "Linear.backward: gradient shape \(dy.shape) does not match the output")
        var dx = [Float](repeating: 0, count: n * inFeatures)
        for i in 0..<n { for o in 0..<outFeatures { bias.gradient[o] += dy.data[i * outFeatures + o] } }
        dy.data.withUnsafeBufferPointer { g in
            input.data.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    gemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: n,
                         a: g.baseAddress!, lda: outFeatures, b: x.baseAddress!, ldb: inFeatures, beta: 1,
                         c: dw.baseAddress!, ldc: inFeatures)
                }
                weight.value.data.withUnsafeBufferPointer { w in
                    dx.withUnsafeMutableBufferPointer { d in
                        gemm(transposeA: false, transposeB: false, m: n, n: inFeatures, k: outFeatures,
                             a: g.baseAddress!, lda: outFeatures, b: w.baseAddress!, ldb: inFeatures, beta: 0,
                             c: d.baseAddress!, ldc: inFeatures)
                    }
                }
            }
        }
        return Tensor(shape: input.shape, data: dx)
    }
}
