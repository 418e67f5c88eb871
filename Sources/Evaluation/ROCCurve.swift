/// A receiver operating characteristic curve of a score that should be higher for positive cases,
/// with the area under it.
///
/// Tied scores move the curve diagonally (all tied cases change side at once), so the trapezoidal
/// area equals the Mann–Whitney probability P(score₊ > score₋) + ½ P(score₊ = score₋).
public struct ROCCurve: Sendable, Equatable, Codable {
    /// False-positive rates of the curve's corners, from 0 to 1.
    public var falsePositiveRates: [Double]
    /// True-positive rates of the corners, from 0 to 1.
    public var truePositiveRates: [Double]
    /// The score threshold of each corner (a case is called positive when its score ≥ threshold);
    /// the first corner, (0, 0), has threshold +∞.
    public var thresholds: [Double]
    /// The area under the curve (trapezoid rule).
    public var auc: Double

    /// The curve of `scores` against the binary truth `positives`; nil when either side has no cases.
    public init?(scores: [Double], positives: [Bool]) {
        precondition(scores.count == positives.count, "\(scores.count) scores but \(positives.count) labels")
        precondition(scores.allSatisfy(\.isFinite), "ROC scores must be finite")
        let positiveCount = positives.filter { $0 }.count, negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var fpr = [0.0], tpr = [0.0], thresholds = [Double.infinity]
        var tp = 0, fp = 0, i = 0
        while i < order.count {
            let threshold = scores[order[i]]
            while i < order.count && scores[order[i]] == threshold {
                if positives[order[i]] { tp += 1 } else { fp += 1 }
                i += 1
            }
            fpr.append(Double(fp) / Double(negativeCount))
            tpr.append(Double(tp) / Double(positiveCount))
            thresholds.append(threshold)
        }
        var area = 0.0
        for k in 1..<fpr.count { area += (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2 }
        falsePositiveRates = fpr
        truePositiveRates = tpr
        self.thresholds = thresholds
        auc = area
    }

    /// One-vs-rest curves: for class k, the score is `probabilities[i][k]` and the positives are the
    /// cases with `truth[i] == k`. A class without cases (or with only its cases) gets nil.
    public static func oneVsRest(probabilities: [[Double]], truth: [Int], classCount: Int) -> [ROCCurve?] {
        precondition(probabilities.count == truth.count, "\(probabilities.count) score rows but \(truth.count) labels")
        return (0..<classCount).map { k in
            ROCCurve(scores: probabilities.map { $0[k] }, positives: truth.map { $0 == k })
        }
    }
}
