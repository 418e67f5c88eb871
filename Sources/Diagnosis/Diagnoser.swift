import FaceAtlasCore
import Foundation
import NeuralNet
import Numerics

/// The attention-weighted ResNet-18 of the Emoface paper (the Self-Cure Network recipe): a
/// ResNet-18 backbone, a fully connected head `fc` (features → classes) and an attention weight
/// α = sigmoid(`alpha.0`(features)) per image; the output is α × fc(features).
///
/// State names are torchvision's for the backbone (`conv1.weight`, `layer4.1.bn2.running_var`, …)
/// plus `fc.*` and `alpha.0.*`, as Self-Cure Network's `Res18Feature` saves them after its
/// `features.N` modules are renamed (see `loadWeights`).
public final class Diagnoser {
    public let configuration: DiagnoserConfiguration
    public let backbone: ResNet18
    public let fc: Linear
    public let attention: Linear
    private let sigmoid = Sigmoid()
    private let dropout: Dropout

    // Kept from the most recent forward pass for the backward pass.
    private var rawLogits = Tensor(shape: [0])
    private var alpha = Tensor(shape: [0])

    /// A diagnoser with freshly initialized weights, its random draws fixed by `seed`.
    public init(_ configuration: DiagnoserConfiguration, seed: UInt64 = 0) {
        self.configuration = configuration
        backbone = ResNet18(ResNetConfiguration(baseWidth: configuration.baseWidth, classes: 0), seed: seed)
        var generator = SeededGenerator(seed: seed &+ 0x5EED)
        fc = Linear(configuration.featureCount, configuration.classes.count, generator: &generator)
        attention = Linear(configuration.featureCount, 1, generator: &generator)
        dropout = Dropout(probability: configuration.dropout, seed: seed &+ 0xD40)
    }

    /// The result of a forward pass over a batch.
    public struct Output {
        /// α × fc(features), `[N, classes]`: the scores that cross-entropy and softmax read.
        public var logits: Tensor
        /// α per image, in (0, 1).
        public var attention: [Float]

        /// An output of `logits` and `attention` weights.
        public init(logits: Tensor, attention: [Float]) {
            self.logits = logits
            self.attention = attention
        }
    }

    /// Runs the network on normalized images `[N, 3, S, S]`.
    public func forward(_ images: Tensor, training: Bool) -> Output {
        head(backbone.features(images, training: training), training: training)
    }

    /// Runs the head on pooled features `[N, featureCount]`.
    public func head(_ features: Tensor, training: Bool) -> Output {
        let x = dropout.forward(features, training: training)
        rawLogits = fc.forward(x, training: training)
        alpha = sigmoid.forward(attention.forward(x, training: training), training: training)
        var logits = rawLogits
        let k = logits.shape[1]
        for i in 0..<logits.shape[0] {
            for j in 0..<k { logits.data[i * k + j] *= alpha.data[i] }
        }
        return Output(logits: logits, attention: alpha.data)
    }

    /// ∂loss/∂features of the head, given ∂loss/∂logits and a direct ∂loss/∂α (from rank regularization).
    public func backwardHead(logits dLogits: Tensor, attention dAlphaDirect: [Float]) -> Tensor {
        let (n, k) = (dLogits.shape[0], dLogits.shape[1])
        var dRaw = dLogits
        var dAlpha = Tensor(shape: [n, 1])
        for i in 0..<n {
            var s = dAlphaDirect.isEmpty ? 0 : dAlphaDirect[i]
            for j in 0..<k {
                s += dLogits.data[i * k + j] * rawLogits.data[i * k + j]
                dRaw.data[i * k + j] *= alpha.data[i]
            }
            dAlpha.data[i] = s
        }
        var dx = fc.backward(dRaw)
        let fromAttention = attention.backward(sigmoid.backward(dAlpha))
        for i in 0..<dx.count { dx.data[i] += fromAttention.data[i] }
        return dropout.backward(dx)
    }

    /// Backpropagates through the whole network, accumulating every parameter's gradient.
    public func backward(logits dLogits: Tensor, attention dAlpha: [Float]) {
        _ = backbone.backwardFeatures(backwardHead(logits: dLogits, attention: dAlpha))
    }

    /// Every trainable parameter.
    public var parameters: [Parameter] {
        stateSlots(prefix: "").compactMap { if case .parameter(let p) = $0.slot { p } else { nil } }
    }
}

extension Diagnoser: StatefulModule {
    public func stateSlots(prefix: String) -> [(name: String, slot: StateSlot)] {
        backbone.stateSlots(prefix: prefix) + fc.stateSlots(prefix: prefix + "fc.") + attention.stateSlots(prefix: prefix + "alpha.0.")
    }
}
