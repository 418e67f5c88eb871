import Numerics

/// The shape of a ResNet-18: its widths and its classifier.
public struct ResNetConfiguration: Codable, Sendable, Equatable {
    /// Channels of the stem and of layer1; layers 2–4 double it each (64 in torchvision).
    public var baseWidth: Int
    /// Outputs of the final fully connected layer `fc`; 0 for a feature extractor without `fc`.
    public var classes: Int

    /// torchvision's resnet18: width 64, 1000 classes.
    public init(baseWidth: Int = 64, classes: Int = 1000) {
        precondition(baseWidth > 0 && classes >= 0, "ResNet width must be positive and classes non-negative")
        self.baseWidth = baseWidth
        self.classes = classes
    }

    /// The length of the pooled feature vector (8 × base width; 512 in torchvision).
    public var featureCount: Int { baseWidth * 8 }
}

/// ResNet-18 as torchvision builds it (conv1 7×7/2, bn1, ReLU, max pool 3×3/2, four stages of two
/// basic blocks, global average pool, fc), with torchvision's parameter and buffer names.
public final class ResNet18 {
    public let configuration: ResNetConfiguration
    public let conv1: Conv2d, bn1: BatchNorm2d
    public let stages: [[BasicBlock]]
    public let fc: Linear?
    private let relu = ReLU()
    private let maxPool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
    private let pool = GlobalAveragePool()

    /// A network with torchvision's initialization (Kaiming-normal convolutions, unit batch norms),
    /// its random draws fixed by `seed`.
    public init(_ configuration: ResNetConfiguration = ResNetConfiguration(), seed: UInt64 = 0) {
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed)
        let w = configuration.baseWidth
        conv1 = Conv2d(3, w, kernel: 7, stride: 2, padding: 3, generator: &generator)
        bn1 = BatchNorm2d(w)
        var stages: [[BasicBlock]] = []
        var channels = w
        for (index, width) in [w, 2 * w, 4 * w, 8 * w].enumerated() {
            let stride = index == 0 ? 1 : 2
            stages.append([BasicBlock(channels, width, stride: stride, generator: &generator),
                           BasicBlock(width, width, stride: 1, generator: &generator)])
            channels = width
        }
        self.stages = stages
        fc = configuration.classes > 0 ? Linear(8 * w, configuration.classes, generator: &generator) : nil
    }

    /// The output of layer4 (`[N, 8w, H/32, W/32]`) for images `[N, 3, H, W]`. In evaluation mode the batch
    /// norms are folded into the convolutions and the backward passes are not available.
    public func featureMap(_ x: Tensor, training: Bool) -> Tensor {
        let stem = training
            ? relu.forward(bn1.forward(conv1.forward(x, training: true), training: true), training: true)
            : conv1.inferenceForward(x, batchNorm: bn1, residual: nil, relu: true)
        var y = maxPool.forward(stem, training: training)
        for stage in stages {
            for block in stage { y = block.forward(y, training: training) }
        }
        return y
    }

    /// ∂loss/∂images given ∂loss/∂(layer4 output), for the most recent `featureMap` in training mode.
    public func backwardFeatureMap(_ dy: Tensor) -> Tensor {
        var g = dy
        for stage in stages.reversed() {
            for block in stage.reversed() { g = block.backward(g) }
        }
        return conv1.backward(bn1.backward(relu.backward(maxPool.backward(g))))
    }

    /// The pooled features `[N, 8w]` (the input of `fc`).
    public func features(_ x: Tensor, training: Bool) -> Tensor {
        pool.forward(featureMap(x, training: training), training: training)
    }

    /// ∂loss/∂images given ∂loss/∂features, for the most recent `features`.
    public func backwardFeatures(_ dy: Tensor) -> Tensor {
        backwardFeatureMap(pool.backward(dy))
    }

    /// The class scores `[N, classes]` (requires `fc`).
    public func logits(_ x: Tensor, training: Bool) -> Tensor {
        guard let fc else { preconditionFailure("this ResNet-18 has no fc layer (classes = 0)") }
        return fc.forward(features(x, training: training), training: training)
    }

    /// ∂loss/∂images given ∂loss/∂logits, for the most recent `logits`.
    public func backwardLogits(_ dy: Tensor) -> Tensor {
        guard let fc else { preconditionFailure("this ResNet-18 has no fc layer (classes = 0)") }
        return backwardFeatures(fc.backward(dy))
    }

    /// Every trainable parameter, in state-dict order.
    public var parameters: [Parameter] {
        stateSlots(prefix: "").compactMap { if case .parameter(let p) = $0.slot { p } else { nil } }
    }
}

extension ResNet18: StatefulModule {
    public func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)] {
        var slots = conv1.stateSlots(prefix: prefix + "conv1.") + bn1.stateSlots(prefix: prefix + "bn1.")
        for (s, stage) in stages.enumerated() {
            for (b, block) in stage.enumerated() { slots += block.stateSlots(prefix: prefix + "layer\(s + 1).\(b).") }
        }
        if let fc { slots += fc.stateSlots(prefix: prefix + "fc.") }
        return slots
    }
}
