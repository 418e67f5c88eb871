import Foundation

/// max(0, x), element-wise.
public final class ReLU: Layer {
    private var output = Tensor(shape: [0])

    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = uninitializedFloats(x.count)
        x.data.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                ParallelLoop.forEach(src.count, grain: 1 << 16) { range in
                    VectorKernels.relu(src.baseAddress!, dst.baseAddress!, range)
                }
            }
        }
        output = Tensor(shape: x.shape, data: y)
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "ReLU.backward: gradient shape \(dy.shape) does not match the output")
        var dx = uninitializedFloats(dy.count)
        dy.data.withUnsafeBufferPointer { g in
            output.data.withUnsafeBufferPointer { y in
                dx.withUnsafeMutableBufferPointer { d in
                    ParallelLoop.forEach(g.count, grain: 1 << 16) { range in
                        VectorKernels.reluBackward(y.baseAddress!, g.baseAddress!, d.baseAddress!, range)
                    }
                }
            }
        }
        return Tensor(shape: dy.shape, data: dx)
    }
}

/// 1 / (1 + e^−x), element-wise.
public final class Sigmoid: Layer {
    private var output = Tensor(shape: [0])

    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        output = Tensor(shape: x.shape, data: x.data.map { 1 / (1 + exp(-$0)) })
        return output
    }

    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "Sigmoid.backward: gradient shape \(dy.shape) does not match the output")
        var dx = dy.data
        for i in 0..<dx.count { let y = output.data[i]; dx[i] *= y * (1 - y) }
        return Tensor(shape: dy.shape, data: dx)
    }
}
