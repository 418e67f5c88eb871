import FaceModel
import Numerics

/// The motion energy of the face surface: per region and organ, the RMS displacement (mm) of its
/// vertices from the participant's own neutral face (same identity, no expression, jaw closed),
/// over the valid frames of a recording. Head pose and camera do not enter.
///
/// The displacement of a vertex is linear in the action-unit intensities ψ, and the articulated
/// jaw is linearised about the closed mouth (a rotation `j` moves vertex `v` by `w_v · j × (v − pivot)`;
/// at the largest opening the model makes, 24°, this underestimates the chord by 3 %). With the
/// per-frame coefficients `x_t = (ψ_t, j_t)` and a region's stacked basis `B_R` the mean squared
/// displacement is `⟨B_Rᵀ B_R, (1/T) Σ x_t x_tᵀ⟩ / n_R`, so a recording costs one small
/// second-moment matrix, whatever the mesh size.
public struct MotionEnergy: Sendable {
    /// The features, in the order of `energies`' output.
    public let features: [BiomarkerFeature]
    /// Number of coefficients per frame: expression components, then 3 jaw axis-angle components.
    public let coefficientCount: Int
    let expressionCount: Int
    /// Per feature the Gram matrix of its vertices' basis divided by its vertex count (coefficientCount²).
    let grams: [Matrix]

    /// Precomputes the per-feature Gram matrices of `model`.
    public init(model: FaceModel) {
        let n = model.vertexCount, e = model.expressionCount
        expressionCount = e
        coefficientCount = e + 3
        features = BiomarkerFeature.all
        let mean = model.mesh.positions
        var grams: [Matrix] = []
        for feature in BiomarkerFeature.all {
            let labels = feature.kind == .region ? model.vertexRegions : model.vertexOrgans
            let vertices = (0..<n).filter { Int(labels[$0]) == feature.number }
            guard !vertices.isEmpty else {
                grams.append(Matrix(rows: e + 3, columns: e + 3))
                continue
            }
            var basis = Matrix(rows: 3 * vertices.count, columns: e + 3)
            for (row, v) in vertices.enumerated() {
                for k in 0..<e {
                    for c in 0..<3 { basis[3 * row + c, k] = Double(model.expressionBasis[k * 3 * n + 3 * v + c]) }
                }
                if let jaw = model.jaw, jaw.weights[v] > 0 {
                    let w = Double(jaw.weights[v])
                    let r = SIMD3<Double>(Double(mean[v].x - jaw.pivot.x), Double(mean[v].y - jaw.pivot.y), Double(mean[v].z - jaw.pivot.z))
                    // Column a: w · e_a × r.
                    let columns: [SIMD3<Double>] = [SIMD3(0, -r.z, r.y), SIMD3(r.z, 0, -r.x), SIMD3(-r.y, r.x, 0)]
                    for a in 0..<3 {
                        for c in 0..<3 { basis[3 * row + c, e + a] = w * columns[a][c] }
                    }
                }
            }
            grams.append((1 / Double(vertices.count)) * Matrix.gram(basis))
        }
        self.grams = grams
    }

    /// The second moment `(1/T) Σ x_t x_tᵀ` of a recording's coefficients over frames with positive confidence,
    /// or nil when no frame is valid. `jaw` holds axis-angle rows (3 values each).
    public func secondMoment(expression: [[Float]], jaw: [[Float]], confidence: [Float]) -> Matrix? {
        let d = coefficientCount
        var moment = Matrix(rows: d, columns: d)
        var x = [Double](repeating: 0, count: d)
        var count = 0
        for t in expression.indices where confidence[t] > 0 {
            for k in 0..<expressionCount { x[k] = Double(expression[t][k]) }
            for a in 0..<3 { x[expressionCount + a] = Double(jaw[t][a]) }
            for j in 0..<d where x[j] != 0 {
                for i in 0..<d { moment[i, j] += x[i] * x[j] }
            }
            count += 1
        }
        guard count > 0 else { return nil }
        return (1 / Double(count)) * moment
    }

    /// The RMS displacement (mm) of each feature for a second moment from `secondMoment`.
    public func energies(secondMoment s: Matrix) -> [Double] {
        grams.map { g in
            var sum = 0.0
            for i in 0..<g.storage.count { sum += g.storage[i] * s.storage[i] }
            return max(sum, 0).squareRoot()
        }
    }

    /// The RMS displacement of each feature of one face state (a single frame).
    public func energies(expression: [Float], jaw: SIMD3<Float>) -> [Double] {
        energies(secondMoment: secondMoment(expression: [expression], jaw: [[jaw.x, jaw.y, jaw.z]], confidence: [1])!)
    }
}
