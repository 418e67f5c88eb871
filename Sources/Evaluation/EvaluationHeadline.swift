import Foundation

extension Estimate {
    /// "0.512 [0.450, 0.570]": the value with its interval (when it has one), three decimals.
    public func formatted(interval open: String = "[", _ separator: String = ", ", _ close: String = "]") -> String {
        guard let ci = interval else { return String(format: "%.3f", value) }
        return String(format: "%.3f ", value) + open + String(format: "%.3f", ci.lower) + separator + String(format: "%.3f", ci.upper) + close
    }
}

extension EvaluationSummary {
    /// One line with the headline numbers: accuracy and macro AUC with their intervals, the permutation p.
    public var headline: String {
        func format(_ e: Estimate?) -> String { e?.formatted(interval: "(95% CI ", "–", ")") ?? "n/a" }
        var text = "\(method): accuracy \(format(accuracy)), macro AUC \(format(macroAUC)), chance \(String(format: "%.3f", chanceAccuracy)), "
            + "\(participants) participants"
        if let p = permutationTest { text += String(format: ", permutation p = %.4f", p.pValue) }
        return text
    }
}

/// Out-of-sample predictions as CSV: participant, truth, predicted (empty when indeterminate), one probability per class.
public enum PredictionTable {
    public static func csv(_ predictions: [ParticipantPrediction], classes: [String]) -> String {
        var lines = [(["participant", "truth", "predicted"] + classes.map { "p_\($0)" }).joined(separator: ",")]
        for p in predictions {
            lines.append(([p.participant, p.truth, p.predicted ?? ""] + p.probabilities.map { String(format: "%.6f", $0) }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
