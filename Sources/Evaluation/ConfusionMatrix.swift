/// Counts of true against predicted classes: `counts[t][p]` is the number of cases of true class
/// `classes[t]` predicted as `classes[p]`.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// The class labels, in row and column order.
    public let classes: [String]
    /// Rows are true classes, columns predicted classes.
    public private(set) var counts: [[Int]]

    /// An empty matrix over `classes` (distinct labels).
    public init(classes: [String]) {
        precondition(Set(classes).count == classes.count, "class labels must be distinct")
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    }

    /// The matrix of paired true and predicted labels; every label must be one of `classes`.
    public init(classes: [String], truth: [String], predicted: [String]) {
        precondition(truth.count == predicted.count, "\(truth.count) true labels but \(predicted.count) predictions")
        self.init(classes: classes)
        for (t, p) in zip(truth, predicted) { add(truth: t, predicted: p) }
    }

    /// Counts one case.
    public mutating func add(truth: String, predicted: String) {
        guard let t = classes.firstIndex(of: truth) else { preconditionFailure("unknown true class \(truth)") }
        guard let p = classes.firstIndex(of: predicted) else { preconditionFailure("unknown predicted class \(predicted)") }
        counts[t][p] += 1
    }

    /// The number of cases.
    public var total: Int { counts.joined().reduce(0, +) }

    /// The number of correctly classified cases (the diagonal).
    public var correct: Int { classes.indices.reduce(0) { $0 + counts[$1][$1] } }

    /// Cases of class `k` predicted as `k`.
    public func truePositives(_ k: Int) -> Int { counts[k][k] }
    /// Cases of other classes predicted as `k`.
    public func falsePositives(_ k: Int) -> Int { classes.indices.reduce(0) { $0 + ($1 == k ? 0 : counts[$1][k]) } }
    /// Cases of class `k` predicted as another class.
    public func falseNegatives(_ k: Int) -> Int { counts[k].reduce(0, +) - counts[k][k] }
    /// Cases neither of class `k` nor predicted as `k`.
    public func trueNegatives(_ k: Int) -> Int { total - truePositives(k) - falsePositives(k) - falseNegatives(k) }
}
