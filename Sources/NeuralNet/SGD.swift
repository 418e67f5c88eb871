import Foundation

/// Stochastic gradient descent with momentum, weight decay and the Nesterov option, as PyTorch's
/// `torch.optim.SGD` (dampening 0): g ← ∇ + λ·w; v ← μ·v + g; w ← w − lr·(Nesterov ? g + μ·v : v).
///
/// Velocities start at zero, which makes the first step v = g, as PyTorch's momentum buffers.
public final class SGD {
    /// The learning rate of the next step.
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool
    /// The parameters updated by `step`.
    public let parameters: [Parameter]
    /// One velocity per parameter, the same size as it.
    public var velocities: [[Float]]

    /// An optimizer over `parameters`.
    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 0,
                nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        velocities = parameters.map { [Float](repeating: 0, count: $0.value.count) }
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }

    /// Updates every parameter from its accumulated gradient.
    public func step() {
        let lr = learningRate, mu = momentum, nesterov = self.nesterov
        for (index, p) in parameters.enumerated() {
            let decay = p.decays ? weightDecay : 0
            p.value.data.withUnsafeMutableBufferPointer { w in
                p.gradient.withUnsafeBufferPointer { grad in
                    velocities[index].withUnsafeMutableBufferPointer { v in
                        for i in 0..<w.count {
                            let g = grad[i] + decay * w[i]
                            v[i] = mu * v[i] + g
                            w[i] -= lr * (nesterov ? g + mu * v[i] : v[i])
                        }
                    }
                }
            }
        }
    }
}

/// Exponential learning-rate decay per epoch (PyTorch's `ExponentialLR`): lr = initial · γ^epoch.
public struct ExponentialDecay: Sendable, Equatable, Codable {
    public var initial: Float
    public var gamma: Float

    /// A schedule starting at `initial` and multiplied by `gamma` each epoch.
    public init(initial: Float, gamma: Float) {
        self.initial = initial
        self.gamma = gamma
    }

    /// The learning rate of epoch `epoch` (0-based).
    public func learningRate(epoch: Int) -> Float {
        initial * Float(pow(Double(gamma), Double(epoch)))
    }
}
