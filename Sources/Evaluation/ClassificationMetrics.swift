/// One class's one-vs-rest scores.
public struct ClassMetrics: Sendable, Equatable, Codable {
    /// The class label.
    public var label: String
    /// (TP + TN) / N: the accuracy of the binary "this class or not" decision.
    public var accuracy: Double
    /// TP / (TP + FP); 0 when the class was never predicted.
    public var precision: Double
    /// TP / (TP + FN) (sensitivity); 0 when the class has no cases.
    public var recall: Double
    /// The harmonic mean of precision and recall; 0 when both are 0.
    public var f1: Double
    /// The number of cases of this class.
    public var support: Int
}

/// Accuracy, precision, recall and F1 per class and their macro averages, from a confusion matrix.
///
/// Undefined ratios (a class never predicted, or absent) count as 0, as scikit-learn's `zero_division=0`.
public struct ClassificationMetrics: Sendable, Equatable, Codable {
    /// Correct cases over all cases.
    public var accuracy: Double
    /// One-vs-rest scores per class, in the matrix's class order.
    public var perClass: [ClassMetrics]
    /// The unweighted mean of the per-class precisions.
    public var macroPrecision: Double
    /// The unweighted mean of the per-class recalls (the balanced accuracy).
    public var macroRecall: Double
    /// The unweighted mean of the per-class F1 scores.
    public var macroF1: Double

    /// The metrics of `matrix`.
    public init(_ matrix: ConfusionMatrix) {
        let total = matrix.total
        func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
        accuracy = ratio(matrix.correct, total)
        perClass = matrix.classes.indices.map { k in
            let tp = matrix.truePositives(k), fp = matrix.falsePositives(k), fn = matrix.falseNegatives(k)
            let precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn)
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassMetrics(label: matrix.classes[k], accuracy: ratio(tp + matrix.trueNegatives(k), total),
                                precision: precision, recall: recall, f1: f1, support: tp + fn)
        }
        let n = Double(max(perClass.count, 1))
        macroPrecision = perClass.reduce(0) { $0 + $1.precision } / n
        macroRecall = perClass.reduce(0) { $0 + $1.recall } / n
        macroF1 = perClass.reduce(0) { $0 + $1.f1 } / n
    }
}
