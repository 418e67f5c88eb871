import Numerics

/// The difference of one biomarker between two groups of participants, with its effect size.
///
/// `difference` is mean(A) − mean(B) of the participants' values (unweighted: the test is about
/// participants, the atlas's weighted means are in the group table); `hedgesG` is Cohen's d with the
/// pooled standard deviation, corrected for small-sample bias (`EffectSize.hedgesG`; 0 when both groups are constant);
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
        let g = EffectSize.hedgesG(a, b)
        hedgesG = g.isFinite ? g : 0
        let test = HypothesisTests.welch(a, b)
        welchT = test.t
        welchDF = test.degreesOfFreedom
        p = test.pValue
        q = test.pValue
    }

    /// Fills in `q` with Benjamini–Hochberg adjusted p-values over `comparisons` (undefined p-values stay NaN).
    public static func adjusted(_ comparisons: [GroupComparison]) -> [GroupComparison] {
        let defined = comparisons.indices.filter { comparisons[$0].p.isFinite }
        let q = MultipleTesting.benjaminiHochberg(defined.map { comparisons[$0].p })
        var result = comparisons
        for i in result.indices { result[i].q = .nan }
        for (k, i) in defined.enumerated() { result[i].q = q[k] }
        return result
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
