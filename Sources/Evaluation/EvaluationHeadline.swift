import Foundation

extension EvaluationSummary {
    /// One line with the headline numbers: accuracy and macro AUC with their intervals, the permutation p.
    public var headline: String {
        func format(_ e: Estimate?) -> String {
            guard let e else { return "n/a" }
            guard let ci = e.interval else { return String(format: "%.3f", e.value) }
            return String(format: "%.3f (95%% CI %.3f–%.3f)", e.value, ci.lower, ci.upper)
        }
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
