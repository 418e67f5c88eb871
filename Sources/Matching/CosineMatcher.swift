import Foundation

/// The answer of a matcher for one embedding.
public struct MatchResult: Sendable, Equatable, Codable {
    /// The reference labels, in the matcher's order.
    public var labels: [String]
    /// The cosine similarity to each reference.
    public var similarities: [Double]
    /// softmax(similarity / T) over the references.
    public var probabilities: [Double]
    /// The most similar reference.
    public var best: String
    /// The best similarity minus the second best (the best similarity when there is one reference).
    public var margin: Double
    /// The decision: `best`, or nil ("indeterminate") when the margin is below the matcher's threshold.
    public var predicted: String?

    /// The probability of `best`.
    public var probability: Double { probabilities[labels.firstIndex(of: best)!] }
}

/// Matches an embedding against one reference embedding per group by cosine similarity.
///
/// The prediction is the most similar group; probabilities are a softmax of the similarities divided by
/// a temperature fitted by maximum likelihood on training data; when the best two similarities are closer
/// than `marginThreshold`, the answer is "indeterminate".
public struct CosineMatcher: Sendable, Equatable, Codable {
    /// The group labels (any number of groups).
    public let labels: [String]
    /// One reference embedding per label.
    public let references: [[Double]]
    /// The softmax temperature T > 0.
    public var temperature: Double
    /// Margins below this are indeterminate (0: always decide).
    public var marginThreshold: Double

    /// A matcher over the given references.
    public init(labels: [String], references: [[Double]], temperature: Double = 1, marginThreshold: Double = 0) {
        precondition(!labels.isEmpty && labels.count == references.count, "one reference per label")
        precondition(Set(labels).count == labels.count, "reference labels must be distinct")
        precondition(references.allSatisfy { $0.count == references[0].count }, "references differ in length")
        precondition(temperature > 0, "the temperature must be positive")
        self.labels = labels
        self.references = references
        self.temperature = temperature
        self.marginThreshold = marginThreshold
    }

    /// The cosine similarity of `embedding` to each reference.
    public func similarities(to embedding: [Double]) -> [Double] {
        references.map { Self.cosine(embedding, $0) }
    }

    /// Matches `embedding`.
    public func match(_ embedding: [Double]) -> MatchResult {
        let s = similarities(to: embedding)
        let order = s.indices.sorted { s[$0] > s[$1] }
        let margin = order.count > 1 ? s[order[0]] - s[order[1]] : s[order[0]]
        let best = labels[order[0]]
        return MatchResult(labels: labels, similarities: s, probabilities: Self.softmax(s, temperature: temperature),
                           best: best, margin: margin, predicted: margin >= marginThreshold ? best : nil)
    }

    // MARK: Training

    /// A matcher whose references are the mean training embedding of each group (`groups` fixes the
    /// order; by default the sorted distinct labels), with the temperature fitted by maximum likelihood
    /// and, when `targetErrorRate` is given, the margin threshold chosen for it.
    ///
    /// Temperature and threshold are fitted on leave-one-out similarities: each training participant is
    /// compared with its own group's mean computed without it, so that the fit is not flattered by the
    /// participant being part of its reference.
    public static func trained(
        embeddings: [[Double]], labels: [String], groups: [String]? = nil, targetErrorRate: Double? = nil
    ) -> CosineMatcher {
        precondition(embeddings.count == labels.count && !embeddings.isEmpty, "one label per training embedding")
        let groups = groups ?? Array(Set(labels)).sorted()
        precondition(Set(labels).isSubset(of: groups), "a training label is not among the groups")
        let d = embeddings[0].count
        var sums = Array(repeating: [Double](repeating: 0, count: d), count: groups.count)
        var counts = [Int](repeating: 0, count: groups.count)
        let truth = labels.map { groups.firstIndex(of: $0)! }
        for (row, k) in zip(embeddings, truth) {
            counts[k] += 1
            for j in 0..<d { sums[k][j] += row[j] }
        }
        precondition(counts.allSatisfy { $0 > 0 }, "every group needs training embeddings")
        let means = (0..<groups.count).map { k in sums[k].map { $0 / Double(counts[k]) } }
        let leaveOneOut: [[Double]] = zip(embeddings, truth).map { row, k in
            (0..<groups.count).map { g in
                guard g == k, counts[g] > 1 else { return cosine(row, means[g]) }
                let without = (0..<d).map { (sums[g][$0] - row[$0]) / Double(counts[g] - 1) }
                return cosine(row, without)
            }
        }
        let temperature = fittedTemperature(similarities: leaveOneOut, truth: truth)
        let threshold = targetErrorRate.map { marginThreshold(similarities: leaveOneOut, truth: truth, targetErrorRate: $0) } ?? 0
        return CosineMatcher(labels: groups, references: means, temperature: temperature, marginThreshold: threshold)
    }

    /// This matcher with its temperature (and, when `targetErrorRate` is given, its margin threshold) fitted
    /// on labelled training embeddings, keeping the references: for references given from outside, such
    /// as the embeddings of the atlas's standard faces. Every label must be one of the references' labels.
    public func calibrated(embeddings: [[Double]], labels: [String], targetErrorRate: Double? = nil) -> CosineMatcher {
        precondition(embeddings.count == labels.count && !embeddings.isEmpty, "one label per training embedding")
        let truth = labels.map { label in
            guard let k = self.labels.firstIndex(of: label) else { preconditionFailure("no reference for label \(label)") }
            return k
        }
        let s = embeddings.map(similarities)
        var result = self
        result.temperature = Self.fittedTemperature(similarities: s, truth: truth)
        result.marginThreshold = targetErrorRate.map { Self.marginThreshold(similarities: s, truth: truth, targetErrorRate: $0) } ?? 0
        return result
    }

    /// The temperature T maximizing Σᵢ log softmax(sᵢ / T)[truthᵢ], by golden-section search on log T
    /// over [10⁻⁴, 10²] (the negative log-likelihood is convex in 1/T, hence unimodal in log T).
    public static func fittedTemperature(similarities: [[Double]], truth: [Int]) -> Double {
        precondition(similarities.count == truth.count && !truth.isEmpty)
        func negativeLogLikelihood(_ logT: Double) -> Double {
            let t = exp(logT)
            var total = 0.0
            for (s, y) in zip(similarities, truth) {
                let top = s.max()!
                let logSum = log(s.reduce(0) { $0 + exp(($1 - top) / t) }) + top / t
                total += logSum - s[y] / t
            }
            return total
        }
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = log(1e-4), b = log(1e2)
        var c = b - ratio * (b - a), d = a + ratio * (b - a)
        var fc = negativeLogLikelihood(c), fd = negativeLogLikelihood(d)
        while b - a > 1e-6 {
            if fc < fd {
                b = d; d = c; fd = fc
                c = b - ratio * (b - a); fc = negativeLogLikelihood(c)
            } else {
                a = c; c = d; fc = fd
                d = a + ratio * (b - a); fd = negativeLogLikelihood(d)
            }
        }
        return exp((a + b) / 2)
    }

    /// The smallest margin threshold at which the error rate among the decided training cases (margin ≥
    /// threshold) is at most `targetErrorRate`, so as many cases as possible are decided. When no threshold
    /// reaches the target, the result lies just above the largest training margin (everything indeterminate).
    public static func marginThreshold(similarities: [[Double]], truth: [Int], targetErrorRate: Double) -> Double {
        precondition(similarities.count == truth.count)
        precondition(targetErrorRate >= 0 && targetErrorRate < 1, "the target error rate must lie in [0, 1)")
        let cases: [(margin: Double, correct: Bool)] = zip(similarities, truth).map { s, y in
            let order = s.indices.sorted { s[$0] > s[$1] }
            return (order.count > 1 ? s[order[0]] - s[order[1]] : s[order[0]], order[0] == y)
        }.sorted { $0.margin > $1.margin }
        // Deciding the k cases of largest margin; ties in margin are decided together.
        var best = (cases.first?.margin ?? 0).nextUp, errors = 0, k = 0
        while k < cases.count {
            let margin = cases[k].margin
            while k < cases.count && cases[k].margin == margin {
                if !cases[k].correct { errors += 1 }
                k += 1
            }
            if Double(errors) <= targetErrorRate * Double(k) { best = margin }
        }
        return best
    }

    /// softmax(s / T).
    public static func softmax(_ s: [Double], temperature: Double) -> [Double] {
        let top = s.max() ?? 0
        let weights = s.map { exp(($0 - top) / temperature) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// The cosine of the angle between `a` and `b` (0 when either is the zero vector).
    public static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "embeddings of \(a.count) and \(b.count) values")
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]
        }
        return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
    }
}
