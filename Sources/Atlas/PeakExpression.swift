import FaceModel
import ParameterFiles

/// A recording's characteristic peak expression.
///
/// Rule: each valid frame's expressiveness is the sum of its action-unit intensities plus the jaw
/// opening in units of the model's AU26 angle (a fully dropped jaw counts as one AU at intensity 1).
/// The peak is the mean expression and jaw over the most expressive `fraction` of the valid frames
/// (at least one frame), so a single outlier frame cannot define it. Groups average these per-subject
/// peaks with the subjects' weights.
public enum PeakExpression {
    /// The share of valid frames averaged into the peak.
    public static let fraction = 0.1

    /// The peak coefficients of `file`: expression intensities followed by the 3 jaw components;
    /// nil when no frame is valid.
    public static func of(_ file: ParameterFile, jawDropRadians: Double?) -> [Double]? {
        let valid = (0..<file.frameCount).filter { file.confidence[$0] > 0 }
        guard !valid.isEmpty else { return nil }
        func expressiveness(_ t: Int) -> Double {
            var sum = file.expression[t].reduce(0.0) { $0 + Double($1) }
            if let jawDropRadians, jawDropRadians > 0 {
                let j = file.pose[t]
                sum += (Double(j[3] * j[3] + j[4] * j[4] + j[5] * j[5])).squareRoot() / jawDropRadians
            }
            return sum
        }
        let ranked = valid.map { ($0, expressiveness($0)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        let count = max(1, Int((Double(valid.count) * fraction).rounded(.up)))
        let e = file.meta.expressionNames.count
        var peak = [Double](repeating: 0, count: e + 3)
        for (t, _) in ranked.prefix(count) {
            for k in 0..<e { peak[k] += Double(file.expression[t][k]) }
            for a in 0..<3 { peak[e + a] += Double(file.pose[t][3 + a]) }
        }
        return peak.map { $0 / Double(count) }
    }
}
