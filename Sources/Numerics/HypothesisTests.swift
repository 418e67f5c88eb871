import Foundation

/// A correlation coefficient with its two-sided p-value (H₀: no correlation).
public struct CorrelationTest: Sendable, Equatable, Codable {
    /// r (Pearson) or ρ (Spearman); NaN when undefined (fewer than 3 pairs, or a constant side).
    public var coefficient: Double
    /// The two-sided p-value from the t distribution with n − 2 degrees of freedom; NaN when undefined.
    public var pValue: Double
    /// The number of pairs.
    public var count: Int
}

/// Welch's unequal-variance t-test of two independent samples.
public struct WelchTTest: Sendable, Equatable, Codable {
    /// t = (mean₁ − mean₂) / √(s₁²/n₁ + s₂²/n₂); NaN when both samples are constant.
    public var t: Double
    /// The Welch–Satterthwaite degrees of freedom.
    public var degreesOfFreedom: Double
    /// The two-sided p-value.
    public var pValue: Double
    /// mean₁ − mean₂.
    public var meanDifference: Double
}

/// The Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples.
public struct MannWhitneyUTest: Sendable, Equatable, Codable {
    /// How the p-value is computed.
    public enum Method: String, Sendable, Codable {
        /// Exact when a sample has at most 8 values and there are no ties; asymptotic otherwise (as SciPy).
        case automatic
        /// The exact null distribution of U (no tie correction; for small samples).
        case exact
        /// The normal approximation with tie correction and continuity correction.
        case asymptotic
    }

    /// U₁ = R₁ − n₁(n₁ + 1)/2: the number of pairs (x, y) with x > y, ties counting ½.
    public var u: Double
    /// The two-sided p-value.
    public var pValue: Double
    /// The method actually used (`.exact` or `.asymptotic`).
    public var method: Method
}

/// A test of k ≥ 2 independent groups (one-way ANOVA or Kruskal–Wallis).
public struct GroupsTest: Sendable, Equatable, Codable {
    /// F (ANOVA) or H (Kruskal–Wallis); NaN when undefined.
    public var statistic: Double
    /// k − 1.
    public var numeratorDegreesOfFreedom: Double
    /// N − k for the F test, 0 for the χ² approximation of H.
    public var denominatorDegreesOfFreedom: Double
    /// The p-value (upper tail).
    public var pValue: Double
}

/// Two-sided hypothesis tests: correlation (Pearson, Spearman) and two-sample comparisons
/// (Welch's t, Mann–Whitney U). They agree with `scipy.stats` (`pearsonr`, `spearmanr`,
/// `ttest_ind(equal_var=False)`, `mannwhitneyu`) to about 1e-10.
public enum HypothesisTests {
    /// Pearson's r of paired samples, with the p-value of t = r √((n − 2)/(1 − r²)) on n − 2 degrees of freedom.
    public static func pearson(_ x: [Double], _ y: [Double]) -> CorrelationTest {
        precondition(x.count == y.count, "paired samples must have the same length (\(x.count) and \(y.count))")
        let n = x.count
        guard n >= 3 else { return CorrelationTest(coefficient: .nan, pValue: .nan, count: n) }
        let mx = Statistics.mean(x), my = Statistics.mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<n {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return CorrelationTest(coefficient: .nan, pValue: .nan, count: n) }
        let r = max(-1, min(1, sxy / (sxx * syy).squareRoot()))
        return CorrelationTest(coefficient: r, pValue: correlationPValue(r, count: n), count: n)
    }

    /// Spearman's ρ (Pearson's r of the average ranks, so ties are handled) with the t-based p-value.
    public static func spearman(_ x: [Double], _ y: [Double]) -> CorrelationTest {
        precondition(x.count == y.count, "paired samples must have the same length (\(x.count) and \(y.count))")
        return pearson(Ranking.averageRanks(x), Ranking.averageRanks(y))
    }

    /// The two-sided p-value of a correlation `r` over `count` pairs (t test, n − 2 degrees of freedom).
    public static func correlationPValue(_ r: Double, count: Int) -> Double {
        guard count >= 3, r.isFinite else { return .nan }
        if abs(r) >= 1 { return 0 }
        let df = Double(count - 2)
        let t = r * (df / ((1 - r) * (1 + r))).squareRoot()
        return StudentTDistribution(degreesOfFreedom: df).twoSidedPValue(t)
    }

    /// Welch's t-test of `x` against `y` (each needs at least two values).
    public static func welch(_ x: [Double], _ y: [Double]) -> WelchTTest {
        precondition(x.count >= 2 && y.count >= 2, "Welch's t-test needs at least two values per sample")
        let n1 = Double(x.count), n2 = Double(y.count)
        let v1 = variance(x) / n1, v2 = variance(y) / n2
        let difference = Statistics.mean(x) - Statistics.mean(y)
        let standardError = (v1 + v2).squareRoot()
        guard standardError > 0 else {
            return WelchTTest(t: .nan, degreesOfFreedom: .nan, pValue: .nan, meanDifference: difference)
        }
        let t = difference / standardError
        let df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
        let p = StudentTDistribution(degreesOfFreedom: df).twoSidedPValue(t)
        return WelchTTest(t: t, degreesOfFreedom: df, pValue: p, meanDifference: difference)
    }

    /// The Mann–Whitney U test of `x` against `y`, two-sided.
    public static func mannWhitneyU(_ x: [Double], _ y: [Double], method: MannWhitneyUTest.Method = .automatic) -> MannWhitneyUTest {
        precondition(!x.isEmpty && !y.isEmpty, "the Mann–Whitney test needs values in both samples")
        let n1 = x.count, n2 = y.count
        let all = x + y
        let ranks = Ranking.averageRanks(all)
        let r1 = ranks[0..<n1].reduce(0, +)
        let u1 = r1 - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let larger = max(u1, u2)
        let ties = Ranking.tieGroupSizes(all)
        var chosen = method
        if method == .automatic {
            chosen = (n1 > 8 && n2 > 8) || !ties.isEmpty ? .asymptotic : .exact
        }
        let p: Double
        if chosen == .exact {
            p = min(1, 2 * exactUpperTail(Int(larger.rounded(.up)), n1, n2))
        } else {
            let n = Double(n1 + n2)
            let tieTerm = ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
            let variance = Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
            if variance <= 0 {
                p = .nan
            } else {
                let z = (larger - Double(n1 * n2) / 2 - 0.5) / variance.squareRoot()
                p = min(1, max(0, 2 * NormalDistribution.survival(z)))
            }
        }
        return MannWhitneyUTest(u: u1, pValue: p, method: chosen)
    }

    /// One-way analysis of variance of `groups` (each with at least one value, at least two groups, N > k):
    /// F = (between-group mean square) / (within-group mean square) on (k − 1, N − k) degrees of freedom.
    public static func oneWayANOVA(_ groups: [[Double]]) -> GroupsTest {
        precondition(groups.count >= 2 && groups.allSatisfy { !$0.isEmpty }, "ANOVA needs at least two non-empty groups")
        let k = Double(groups.count), n = Double(groups.reduce(0) { $0 + $1.count })
        let grand = groups.joined().reduce(0, +) / n
        var between = 0.0, within = 0.0
        for g in groups {
            let m = Statistics.mean(g)
            between += Double(g.count) * (m - grand) * (m - grand)
            within += g.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        }
        let df1 = k - 1, df2 = n - k
        guard df2 > 0, within > 0 else {
            return GroupsTest(statistic: .nan, numeratorDegreesOfFreedom: df1, denominatorDegreesOfFreedom: df2, pValue: .nan)
        }
        let f = (between / df1) / (within / df2)
        let p = FDistribution(numeratorDegreesOfFreedom: df1, denominatorDegreesOfFreedom: df2).survival(f)
        return GroupsTest(statistic: f, numeratorDegreesOfFreedom: df1, denominatorDegreesOfFreedom: df2, pValue: p)
    }

    /// The Kruskal–Wallis H test of `groups` on average ranks with the tie correction, p from χ² on k − 1
    /// degrees of freedom (as `scipy.stats.kruskal`).
    public static func kruskalWallis(_ groups: [[Double]]) -> GroupsTest {
        precondition(groups.count >= 2 && groups.allSatisfy { !$0.isEmpty }, "Kruskal–Wallis needs at least two non-empty groups")
        let all = Array(groups.joined())
        let ranks = Ranking.averageRanks(all)
        let n = Double(all.count), df = Double(groups.count - 1)
        var h = 0.0, start = 0
        for g in groups {
            let sum = ranks[start..<(start + g.count)].reduce(0, +)
            h += sum * sum / Double(g.count)
            start += g.count
        }
        h = 12 / (n * (n + 1)) * h - 3 * (n + 1)
        let correction = 1 - Ranking.tieGroupSizes(all).reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) } / (n * n * n - n)
        guard correction > 0 else {
            return GroupsTest(statistic: .nan, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: 0, pValue: .nan)
        }
        h /= correction
        return GroupsTest(statistic: h, numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: 0,
                          pValue: ChiSquaredDistribution(degreesOfFreedom: df).survival(h))
    }

    /// P(U ≥ u) under H₀ for sample sizes m, n, by the recursion
    /// p(u; m, n) = m/(m+n) · p(u − n; m − 1, n) + n/(m+n) · p(u; m, n − 1) on probabilities.
    /// The distribution is the same with the sizes swapped, so the smaller size is taken as n: the work
    /// is O(m · n² · m) and the memory O(n · m · n).
    static func exactUpperTail(_ u: Int, _ first: Int, _ second: Int) -> Double {
        let m = max(first, second), n = min(first, second)
        precondition(m * n * n <= 50_000_000, "the exact Mann–Whitney distribution is for small samples; use .asymptotic")
        // previous[j] is the distribution of U for sizes (i − 1, j); current[j] for (i, j).
        var previous = (0...n).map { _ in [1.0] } // i = 0: U is 0 with certainty
        for i in 1...m {
            var current: [[Double]] = [[1.0]] // j = 0: U is 0
            for j in 1...n {
                var distribution = [Double](repeating: 0, count: i * j + 1)
                let a = Double(i) / Double(i + j), b = Double(j) / Double(i + j)
                // The largest of the i + j values is an x (probability a): it beats all j values of y.
                for (k, value) in previous[j].enumerated() { distribution[k + j] += a * value }
                // ... or a y (probability b): it adds nothing to U.
                for (k, value) in current[j - 1].enumerated() { distribution[k] += b * value }
                current.append(distribution)
            }
            previous = current
        }
        let distribution = previous[n]
        guard u < distribution.count else { return 0 }
        return distribution[max(0, u)...].reduce(0, +)
    }

    /// The sample variance (n − 1 denominator).
    static func variance(_ x: [Double]) -> Double {
        let s = Statistics.standardDeviation(x)
        return s * s
    }
}
