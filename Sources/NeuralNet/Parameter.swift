/// A trainable tensor and the gradient of the loss with respect to it.
///
/// Layers own their parameters; `backward` passes *add* into `gradient`, so an optimizer
/// step is preceded by `zeroGradient()` on every parameter.
public final class Parameter {
    /// The current values.
    public var value: Tensor {
        didSet { version &+= 1 }
    }
    /// Changes whenever `value` is set or modified, so that layers can cache what they derive from it.
    public private(set) var version = 0
    /// ∂loss/∂value, accumulated by backward passes; same shape as `value`.
    public var gradient: [Float]
    /// Whether weight decay applies (weights yes; batch-norm scales and biases follow the caller's choice).
    public var decays: Bool

    /// A parameter holding `value`, with a zero gradient.
    public init(_ value: Tensor, decays: Bool = true) {
        self.value = value
        self.gradient = [Float](repeating: 0, count: value.count)
        self.decays = decays
    }

    /// Sets the gradient to zero.
    public func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { g in
            g.update(repeating: 0)
        }
    }
}

/// A stage of a network with a forward pass and the matching backward pass.
///
/// `forward` keeps what `backward` needs from its most recent call; `backward` takes
/// ∂loss/∂output of that call, adds the parameter gradients and returns ∂loss/∂input.
public protocol Layer: AnyObject {
    /// The output for `input`; `training` selects batch statistics, dropout and caching for `backward`.
    func forward(_ input: Tensor, training: Bool) -> Tensor
    /// ∂loss/∂input for the most recent `forward`, given ∂loss/∂output; accumulates parameter gradients.
    func backward(_ outputGradient: Tensor) -> Tensor
    /// The trainable parameters with their names relative to the layer (PyTorch style: "weight", "bias").
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension Layer {
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }
}
