/// z-scoring of embedding components with means and standard deviations fitted on training data only,
/// then applied unchanged to held-out data (so that no test statistics leak into the features).
public struct Standardizer: Sendable, Equatable, Codable {
    /// The per-component means of the training embeddings.
    public let means: [Double]
    /// The per-component standard deviations (n − 1); components constant in training get 1, so they map to 0.
    public let standardDeviations: [Double]

    /// A standardizer fitted on `training` (at least one row, all rows of the same length).
    public init(fitting training: [[Double]]) {
        precondition(!training.isEmpty, "a standardizer needs training rows")
        let d = training[0].count
        precondition(training.allSatisfy { $0.count == d }, "training rows differ in length")
        let n = Double(training.count)
        var means = [Double](repeating: 0, count: d)
        for row in training { for j in 0..<d { means[j] += row[j] / n } }
        var sums = [Double](repeating: 0, count: d)
        for row in training { for j in 0..<d { sums[j] += (row[j] - means[j]) * (row[j] - means[j]) } }
        self.means = means
        standardDeviations = sums.map { sum in
            let sd = training.count > 1 ? (sum / (n - 1)).squareRoot() : 0
            return sd > 1e-12 ? sd : 1
        }
    }

    /// The standardized `row`.
    public func transform(_ row: [Double]) -> [Double] {
        precondition(row.count == means.count, "a row of \(row.count) values for a standardizer of \(means.count)")
        return row.indices.map { (row[$0] - means[$0]) / standardDeviations[$0] }
    }

    /// The standardized rows.
    public func transform(_ rows: [[Double]]) -> [[Double]] { rows.map(transform) }
}
