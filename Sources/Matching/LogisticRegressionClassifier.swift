import Foundation
import Numerics

/// Why a classifier could not be fitted.
public enum ClassifierError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Fewer than two distinct classes in the training labels.
    case needsTwoClasses
    /// The Newton system could not be solved.
    case singularHessian(String)

    public var description: String {
        switch self {
        case .needsTwoClasses: return "a classifier needs training examples of at least two classes"
        case .singularHessian(let detail): return "the logistic regression's Newton system is singular: \(detail)"
        }
    }
}

/// Multinomial logistic regression with an L2 penalty, fitted by Newton's method (IRLS) with the full
/// Hessian solved by Cholesky (LAPACK `dposv`).
///
/// Features are z-scored with a `Standardizer` fitted on the training rows. The model has one weight
/// vector and intercept per class; it minimizes
/// −Σᵢ log pᵢ,yᵢ + (λ/2) Σₖ ‖wₖ‖², with pᵢ = softmax(wₖ·xᵢ + bₖ). Intercepts are not penalized
/// (up to a 10⁻⁸ ridge that pins their common offset, which the softmax cannot see).
public struct LogisticRegressionClassifier: Sendable, Equatable, Codable {
    /// The class labels (sorted), in the order of `probabilities(of:)`.
    public let classes: [String]
    /// The z-scoring of the features, fitted on the training rows.
    public let standardizer: Standardizer
    /// The weights per class over the standardized features.
    public let weights: [[Double]]
    /// The intercept per class.
    public let intercepts: [Double]
    /// λ, the L2 penalty.
    public let l2: Double
    /// The Newton iterations used.
    public let iterations: Int

    /// Fits the classifier to `features` (one row per participant) and their `labels`.
    public init(fitting features: [[Double]], labels: [String], l2: Double = 1, maxIterations: Int = 50, tolerance: Double = 1e-8) throws {
        precondition(features.count == labels.count && !features.isEmpty, "one label per training row")
        precondition(l2 > 0, "the L2 penalty must be positive")
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else { throw ClassifierError.needsTwoClasses }
        let standardizer = Standardizer(fitting: features)
        let rows = standardizer.transform(features)
        let n = rows.count, d = rows[0].count, k = classes.count, width = d + 1
        let truth = labels.map { classes.firstIndex(of: $0)! }
        // The design matrix with a leading column of ones (n × (d + 1)).
        var x = Matrix(rows: n, columns: width)
        for i in 0..<n {
            x[i, 0] = 1
            for j in 0..<d { x[i, j + 1] = rows[i][j] }
        }
        // Parameters: class c's block holds [b_c, w_c] at c · width.
        var beta = [Double](repeating: 0, count: k * width)
        let penalty = (0..<(k * width)).map { $0 % width == 0 ? 1e-8 : l2 }

        func probabilities(_ beta: [Double]) -> Matrix {
            let coefficients = Matrix(rows: width, columns: k, columnMajor: beta)
            var scores = x * coefficients
            for i in 0..<n {
                var top = -Double.infinity
                for c in 0..<k { top = max(top, scores[i, c]) }
                var total = 0.0
                for c in 0..<k { scores[i, c] = exp(scores[i, c] - top); total += scores[i, c] }
                for c in 0..<k { scores[i, c] /= total }
            }
            return scores
        }
        func objective(_ beta: [Double]) -> Double {
            let p = probabilities(beta)
            var value = 0.0
            for i in 0..<n { value -= log(max(p[i, truth[i]], .leastNormalMagnitude)) }
            for (b, lambda) in zip(beta, penalty) { value += 0.5 * lambda * b * b }
            return value
        }

        var current = objective(beta)
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            let p = probabilities(beta)
            // Gradient: Xᵀ (P − Y) per class, plus the penalty.
            var residual = p
            for i in 0..<n { residual[i, truth[i]] -= 1 }
            let gradientBlocks = Matrix.product(x, residual, transposeA: true) // width × k
            var gradient = gradientBlocks.storage
            for q in 0..<gradient.count { gradient[q] += penalty[q] * beta[q] }
            if gradient.map(abs).max()! < tolerance { break }
            // Hessian blocks Xᵀ diag(p_c (δ_cd − p_d)) X.
            var hessian = Matrix(rows: k * width, columns: k * width)
            for c in 0..<k {
                for e in c..<k {
                    var weighted = x
                    for i in 0..<n {
                        let w = p[i, c] * ((c == e ? 1 : 0) - p[i, e])
                        for j in 0..<width { weighted[i, j] *= w }
                    }
                    let block = Matrix.product(x, weighted, transposeA: true)
                    for a in 0..<width {
                        for b in 0..<width {
                            hessian[c * width + a, e * width + b] = block[a, b]
                            hessian[e * width + b, c * width + a] = block[a, b]
                        }
                    }
                }
            }
            for q in 0..<(k * width) { hessian[q, q] += penalty[q] }
            let step: Matrix
            do {
                step = try hessian.solveSymmetricPositiveDefinite(Matrix(rows: k * width, columns: 1, columnMajor: gradient))
            } catch {
                throw ClassifierError.singularHessian("\(error)")
            }
            // Damped Newton: halve the step until the objective does not increase.
            var scale = 1.0, candidate = beta, value = current
            while scale > 1e-10 {
                candidate = zip(beta, step.storage).map { $0 - scale * $1 }
                value = objective(candidate)
                if value <= current { break }
                scale /= 2
            }
            let improvement = current - value
            beta = candidate
            current = value
            if improvement < tolerance * max(1, abs(current)) { break }
        }
        self.classes = classes
        self.standardizer = standardizer
        intercepts = (0..<k).map { beta[$0 * width] }
        weights = (0..<k).map { Array(beta[($0 * width + 1)..<(($0 + 1) * width)]) }
        self.l2 = l2
        iterations = iteration
    }

    /// The probability of each class (in `classes` order) for one feature row.
    public func probabilities(of features: [Double]) -> [Double] {
        let z = standardizer.transform(features)
        let scores = classes.indices.map { c in intercepts[c] + zip(weights[c], z).reduce(0) { $0 + $1.0 * $1.1 } }
        let top = scores.max()!
        let e = scores.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// The most probable class for one feature row.
    public func predict(_ features: [Double]) -> String {
        let p = probabilities(of: features)
        return classes[p.indices.max { p[$0] < p[$1] }!]
    }
}
