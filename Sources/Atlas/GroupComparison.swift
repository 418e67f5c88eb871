import Numerics

/// The difference of one biomarker between two groups of participants, with its effect size.
///
/// `difference` is mean(A) − mean(B) of the participants' values (unweighted: the test is about
/// participants, the atlas's weighted means are in the group table); `hedgesG` is Cohen's d with the
/// pooled standard deviation, corrected for small-sample bias (× (1 − 3 / (4(nA + nB) − 9)));
/// `welchT` and `welchDF` are Welch's t statistic and its Welch–Satterthwaite degrees of freedom;
/// `p` is Welch's two-sided p-value and `q` its Benjamini–Hochberg adjustment over the table.
public struct GroupComparison: Codable, Sendable, Equatable {
    public var stimulus: String
    public var feature: BiomarkerFeature
    public var groupA: String
    public var groupB: String
    public var countA: Int
    public var countB: Int
    public var meanA: Double
    public var meanB: Double
    public var difference: Double
    public var hedgesG: Double
    public var welchT: Double
    public var welchDF: Double
    public var p: Double
    public var q: Double

    /// Compares the values of groups A and B; nil when either has fewer than two participants.
    public init?(stimulus: String, feature: BiomarkerFeature, groupA: String, a: [Double], groupB: String, b: [Double]) {
        guard a.count >= 2, b.count >= 2 else { return nil }
        self.stimulus = stimulus
        self.feature = feature
        self.groupA = groupA
        self.groupB = groupB
        countA = a.count
        countB = b.count
        meanA = Statistics.mean(a)
        meanB = Statistics.mean(b)
        difference = meanA - meanB
        let sdA = Statistics.standardDeviation(a), sdB = Statistics.standardDeviation(b)
        let varA = sdA * sdA, varB = sdB * sdB
        let na = Double(a.count), nb = Double(b.count)
        let pooled = (((na - 1) * varA + (nb - 1) * varB) / (na + nb - 2)).squareRoot()
        let correction = 1 - 3 / (4 * (na + nb) - 9)
        hedgesG = pooled > 0 ? difference / pooled * correction : 0
        let se2 = varA / na + varB / nb
        welchT = se2 > 0 ? difference / se2.squareRoot() : 0
        let df = se2 * se2 / ((varA / na) * (varA / na) / (na - 1) + (varB / nb) * (varB / nb) / (nb - 1))
        welchDF = df.isFinite ? df : na + nb - 2
        p = .nan
        q = .nan
    }

    /// The pairs of groups to compare, oriented as clinicians read them: BD − MDD first,
    /// then every other group − HC, then the remaining pairs in `groups` order.
    public static func pairs(of groups: [String]) -> [(String, String)] {
        var result: [(String, String)] = []
        if groups.contains("BD") && groups.contains("MDD") { result.append(("BD", "MDD")) }
        if groups.contains("HC") {
            for g in groups where g != "HC" { result.append((g, "HC")) }
        }
        for (i, a) in groups.enumerated() {
            for b in groups[(i + 1)...] where !result.contains(where: { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) }) {
                result.append((a, b))
            }
        }
        return result
    }
}
