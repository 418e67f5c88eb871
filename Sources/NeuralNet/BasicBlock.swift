/// ResNet's basic residual block: two 3×3 convolutions with batch norm and ReLU, plus the input
/// (through a 1×1 convolution and batch norm when the stride or width changes).
public final class BasicBlock {
    public let conv1: Conv2d, bn1: BatchNorm2d, relu1 = ReLU()
    public let conv2: Conv2d, bn2: BatchNorm2d
    /// The shortcut projection (`downsample.0` and `downsample.1`), if any.
    public let downsample: (conv: Conv2d, bn: BatchNorm2d)?
    private let relu2 = ReLU()

    /// A block from `inChannels` to `outChannels` with the given stride of its first convolution.
    public init<G: RandomNumberGenerator>(_ inChannels: Int, _ outChannels: Int, stride: Int, generator: inout G) {
        conv1 = Conv2d(inChannels, outChannels, kernel: 3, stride: stride, padding: 1, generator: &generator)
        bn1 = BatchNorm2d(outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernel: 3, stride: 1, padding: 1, generator: &generator)
        bn2 = BatchNorm2d(outChannels)
        if stride != 1 || inChannels != outChannels {
            downsample = (Conv2d(inChannels, outChannels, kernel: 1, stride: stride, generator: &generator),
                          BatchNorm2d(outChannels))
        } else {
            downsample = nil
        }
    }

    /// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). In evaluation mode the batch norms are folded
    /// into the convolutions and nothing is kept for `backward`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        if !training {
            let middle = conv1.inferenceForward(x, batchNorm: bn1, residual: nil, relu: true)
            let shortcut = downsample.map { $0.conv.inferenceForward(x, batchNorm: $0.bn, residual: nil, relu: false) } ?? x
            return conv2.inferenceForward(middle, batchNorm: bn2, residual: shortcut, relu: true)
        }
        var out = relu1.forward(bn1.forward(conv1.forward(x, training: training), training: training), training: training)
        out = bn2.forward(conv2.forward(out, training: training), training: training)
        let shortcut = downsample.map { $0.bn.forward($0.conv.forward(x, training: training), training: training) } ?? x
        out.data.withUnsafeMutableBufferPointer { o in
            shortcut.data.withUnsafeBufferPointer { s in
                ParallelLoop.forEach(o.count, grain: 1 << 16) { range in
                    VectorKernels.add(s.baseAddress!, into: o.baseAddress!, range)
                }
            }
        }
        return relu2.forward(out, training: training)
    }

    /// ∂loss/∂x for the most recent forward pass in training mode; accumulates parameter gradients.
    public func backward(_ dy: Tensor) -> Tensor {
        let dSum = relu2.backward(dy)
        var dx = conv1.backward(bn1.backward(relu1.backward(conv2.backward(bn2.backward(dSum)))))
        let dShortcut = downsample.map { $0.conv.backward($0.bn.backward(dSum)) } ?? dSum
        dx.data.withUnsafeMutableBufferPointer { d in
            dShortcut.data.withUnsafeBufferPointer { s in
                ParallelLoop.forEach(d.count, grain: 1 << 16) { range in
                    VectorKernels.add(s.baseAddress!, into: d.baseAddress!, range)
                }
            }
        }
        return dx
    }
}

extension BasicBlock: StatefulModule {
    public func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)] {
        var slots = conv1.stateSlots(prefix: prefix + "conv1.") + bn1.stateSlots(prefix: prefix + "bn1.")
            + conv2.stateSlots(prefix: prefix + "conv2.") + bn2.stateSlots(prefix: prefix + "bn2.")
        if let downsample {
            slots += downsample.conv.stateSlots(prefix: prefix + "downsample.0.")
                + downsample.bn.stateSlots(prefix: prefix + "downsample.1.")
        }
        return slots
    }
}
