import Numerics

/// Inverted dropout: in training each value is zeroed with probability `probability` and the rest
/// are scaled by 1/(1 − probability); in evaluation the input passes unchanged.
public final class Dropout: Layer {
    public let probability: Float
    private var generator: SeededGenerator
    private var mask: [Float] = []
    private var active = false

    /// Dropout with the given probability, its random draws fixed by `seed`.
    public init(probability: Float, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "dropout probability must lie in [0, 1)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        active = training && probability > 0
        guard active else { return x }
        let keep = 1 / (1 - probability)
        mask = (0..<x.count).map { _ in generator.nextUniform() < Double(probability) ? 0 : keep }
        var y = x
        for i in 0..<y.count { y.data[i] *= mask[i] }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard active else { return dy }
        precondition(dy.count == mask.count, "Dropout.backward: gradient shape \(dy.shape) does not match the output")
        var dx = dy
        for i in 0..<dx.count { dx.data[i] *= mask[i] }
        return dx
    }
}
