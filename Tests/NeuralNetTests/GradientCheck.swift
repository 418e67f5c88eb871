import NeuralNet
import Numerics
import Testing

/// Finite-difference checks of backward passes: the loss is Σ r·forward(x) for a fixed random r,
/// summed in Double; central differences of it are compared with the analytic gradients.
enum GradientCheck {
    /// A tensor of `shape` with values uniform in -1...1.
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return .uniform(shape: shape, bound: 1, using: &generator)
    }

    /// Σ r·y in Double.
    static func dot(_ r: Tensor, _ y: Tensor) -> Double {
        zip(r.data, y.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// The relative error ‖a − b‖ / max(‖a‖, ‖b‖, tiny).
    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var diff = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            diff += Double(x - y) * Double(x - y); na += Double(x) * Double(x); nb += Double(y) * Double(y)
        }
        return diff.squareRoot() / max(na.squareRoot(), nb.squareRoot(), 1e-12)
    }

    /// Checks ∂/∂input and ∂/∂parameters of `forward` at `input` against central differences.
    /// - Parameters:
    ///   - forward: the function checked (it may change layer state such as running averages).
    ///   - backward: the analytic backward pass for the most recent forward.
    ///   - parameters: parameters whose gradients are checked (their gradients are zeroed first).
    ///   - probes: at most this many coordinates of each gradient are probed.
    static func check(
        input: Tensor, parameters: [Parameter] = [], step: Float = 1e-3, tolerance: Double = 1e-2, probes: Int = 60,
        forward: (Tensor) -> Tensor, backward: (Tensor) -> Tensor,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for p in parameters { p.zeroGradient() }
        let y = forward(input)
        let r = random(y.shape, seed: 99)
        let dx = backward(r)
        #expect(dx.shape == input.shape, sourceLocation: sourceLocation)

        func probeIndices(_ count: Int) -> [Int] {
            count <= probes ? Array(0..<count) : (0..<probes).map { $0 * count / probes }
        }
        // Input gradient.
        var numeric: [Float] = [], analytic: [Float] = []
        for i in probeIndices(input.count) {
            var plus = input, minus = input
            plus.data[i] += step; minus.data[i] -= step
            let d = (dot(r, forward(plus)) - dot(r, forward(minus))) / (2 * Double(step))
            numeric.append(Float(d)); analytic.append(dx.data[i])
        }
        let inputError = relativeError(numeric, analytic)
        #expect(inputError < tolerance, "input gradient relative error \(inputError)", sourceLocation: sourceLocation)
        // Parameter gradients.
        for (index, p) in parameters.enumerated() {
            numeric = []; analytic = []
            for i in probeIndices(p.value.count) {
                let original = p.value.data[i]
                p.value.data[i] = original + step
                let lossPlus = dot(r, forward(input))
                p.value.data[i] = original - step
                let lossMinus = dot(r, forward(input))
                p.value.data[i] = original
                numeric.append(Float((lossPlus - lossMinus) / (2 * Double(step)))); analytic.append(p.gradient[i])
            }
            let error = relativeError(numeric, analytic)
            #expect(error < tolerance, "parameter \(index) gradient relative error \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Checks a single layer in training or evaluation mode.
    static func check(_ layer: Layer, input: Tensor, training: Bool = true, step: Float = 1e-3, tolerance: Double = 1e-2,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        check(input: input, parameters: layer.namedParameters.map(\.parameter), step: step, tolerance: tolerance,
              forward: { layer.forward($0, training: training) }, backward: { layer.backward($0) },
              sourceLocation: sourceLocation)
    }
}
