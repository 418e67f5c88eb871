/// The coefficients of one face instance: identity, expression, jaw and head pose.
public struct FaceParameters: Sendable, Equatable {
    /// Identity coefficients in standard-deviation units (missing trailing entries are 0).
    public var identity: [Float]
    /// Expression coefficients (action-unit intensities for action-unit models).
    public var expression: [Float]
    /// Jaw rotation, axis-angle in radians (FLAME/DECA convention: the second half of `pose`).
    public var jaw: SIMD3<Float>

    /// The neutral mean face.
    public init(identity: [Float] = [], expression: [Float] = [], jaw: SIMD3<Float> = .zero) {
        self.identity = identity
        self.expression = expression
        self.jaw = jaw
    }

    /// Parameters for `model` from named settings such as `["AU12": 0.8, "AU26": 0.5, "mouthSmileLeft": 1]`.
    ///
    /// A FACS label without a side (`AU12`) sets both its left and right components;
    /// `AU26` and `AU27` open the articulated jaw.
    public init(model: FaceModel, identity: [Float] = [], settings: [String: Float]) throws {
        var expression = [Float](repeating: 0, count: model.expressionCount)
        var jawDegrees: Float = 0
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            let upper = name.uppercased()
            if let jaw = model.jaw, upper == "AU26" || upper == "AU27" {
                jawDegrees = max(jawDegrees, value * (upper == "AU26" ? jaw.jawDropDegrees : jaw.mouthStretchDegrees))
                continue
            }
            let byName = model.expressionIndices(named: name)
            if !byName.isEmpty {
                for i in byName { expression[i] = value }
                continue
            }
            let matching = model.expressions.indices.filter { model.expressions[$0].facsLabel.uppercased() == upper }
            guard !matching.isEmpty else { throw FaceModelError.unknownComponent(name) }
            for i in matching { expression[i] = value }
        }
        self.init(identity: identity, expression: expression, jaw: Jaw.opening(degrees: jawDegrees))
    }
}
