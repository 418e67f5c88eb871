/// Principal component analysis of a sample matrix, computed through LAPACK.
///
/// Samples are the rows of the data matrix. When there are fewer samples than
/// dimensions (the usual case for meshes: a few thousand samples of tens of
/// thousands of coordinates) the decomposition goes through the small
/// samples × samples Gram matrix, whose eigenvectors map back to the principal axes.
public struct PrincipalComponents: Sendable {
    /// The sample mean, one entry per dimension.
    public var mean: [Double]
    /// Principal axes, one unit-length column per component, ordered by decreasing variance.
    public var axes: Matrix
    /// Standard deviation of the samples along each axis (sample SD, `n − 1` in the denominator).
    public var standardDeviations: [Double]
    /// Fraction of the total variance each component explains.
    public var explainedVarianceRatio: [Double]

    /// Fits the first `count` components of `samples` (one sample per row).
    public init(samples: Matrix, count: Int) throws {
        let n = samples.rows, d = samples.columns
        precondition(n >= 2, "PCA needs at least two samples")
        var centered = samples
        var mean = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var s = 0.0
            for i in 0..<n { s += samples[i, j] }
            mean[j] = s / Double(n)
            for i in 0..<n { centered[i, j] -= mean[j] }
        }
        let k = min(count, n - 1, d)
        var axes = Matrix(rows: d, columns: k)
        var sds = [Double](repeating: 0, count: k)
        var totalVariance = 0.0
        if n <= d {
            // Gram trick: X Xᵀ = U Λ Uᵀ, axes = Xᵀ U Λ^{-1/2}.
            let gram = Matrix.gram(centered.transposed)
            let eig = try gram.symmetricEigen()
            totalVariance = eig.values.reduce(0) { $0 + max($1, 0) } / Double(n - 1)
            for c in 0..<k {
                let idx = n - 1 - c
                let lambda = max(eig.values[idx], 0)
                sds[c] = (lambda / Double(n - 1)).squareRoot()
                let u = eig.vectors.column(idx)
                let axis = centered.apply(u, transposed: true)
                let norm = lambda.squareRoot()
                for r in 0..<d { axes[r, c] = norm > 0 ? axis[r] / norm : 0 }
            }
        } else {
            let cov = Matrix.gram(centered)
            let eig = try cov.symmetricEigen()
            totalVariance = eig.values.reduce(0) { $0 + max($1, 0) } / Double(n - 1)
            for c in 0..<k {
                let idx = d - 1 - c
                sds[c] = (max(eig.values[idx], 0) / Double(n - 1)).squareRoot()
                for r in 0..<d { axes[r, c] = eig.vectors[r, idx] }
            }
        }
        // Fix each axis' sign so that its largest-magnitude entry is positive (deterministic output).
        for c in 0..<k {
            var best = 0.0
            for r in 0..<d where abs(axes[r, c]) > abs(best) { best = axes[r, c] }
            if best < 0 { for r in 0..<d { axes[r, c] = -axes[r, c] } }
        }
        self.mean = mean
        self.axes = axes
        self.standardDeviations = sds
        self.explainedVarianceRatio = sds.map { totalVariance > 0 ? $0 * $0 / totalVariance : 0 }
    }
}
