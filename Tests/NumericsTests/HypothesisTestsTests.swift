import Foundation
import Testing
@testable import Numerics

/// Reference values below were computed with SciPy 1.17 (`scipy.special`, `scipy.stats`); the calls are
/// quoted beside them so they can be reproduced.
@Suite struct SpecialFunctionsTests {
    private func close(_ a: Double, _ b: Double, relative: Double = 1e-10) -> Bool {
        abs(a - b) <= relative * max(abs(b), 1e-300)
    }

    @Test func incompleteBetaMatchesSciPy() {
        // special.betainc(a, b, x)
        let cases: [(x: Double, a: Double, b: Double, value: Double)] = [
            (0.3, 2, 3, 0.34829999999999994),
            (0.9, 0.5, 0.5, 0.7951672353008665),
            (0.01, 5, 0.5, 2.4712578086395438e-11),
            (0.7, 30, 20, 0.9300129066994925),
            (0.999, 100, 2, 0.9952713618250799),
            (0.2, 0.1, 10, 0.9952541941596683),
        ]
        for c in cases {
            let value = SpecialFunctions.regularizedIncompleteBeta(c.x, a: c.a, b: c.b)
            #expect(close(value, c.value), "I_\(c.x)(\(c.a), \(c.b)) = \(value), expected \(c.value)")
        }
    }

    @Test func incompleteBetaIdentities() {
        // Iₓ(a, 1) = xᵃ, Iₓ(1, b) = 1 − (1 − x)ᵇ, symmetry Iₓ(a, b) = 1 − I₁₋ₓ(b, a), I_½(a, a) = ½.
        for x in stride(from: 0.05, through: 0.95, by: 0.15) {
            #expect(close(SpecialFunctions.regularizedIncompleteBeta(x, a: 3.5, b: 1), pow(x, 3.5), relative: 1e-12))
            #expect(close(SpecialFunctions.regularizedIncompleteBeta(x, a: 1, b: 4.2), 1 - pow(1 - x, 4.2), relative: 1e-12))
            let sum = SpecialFunctions.regularizedIncompleteBeta(x, a: 2.3, b: 7.1)
                + SpecialFunctions.regularizedIncompleteBeta(1 - x, a: 7.1, b: 2.3)
            #expect(abs(sum - 1) < 1e-13)
        }
        #expect(abs(SpecialFunctions.regularizedIncompleteBeta(0.5, a: 17, b: 17) - 0.5) < 1e-13)
    }

    @Test func incompleteGammaMatchesSciPy() {
        // special.gammainc(a, x), special.gammaincc(a, x)
        let cases: [(a: Double, x: Double, p: Double, q: Double)] = [
            (0.5, 0.2, 0.47291074313446196, 0.5270892568655381),
            (3, 2.5, 0.45618688411667035, 0.5438131158833297),
            (10, 15, 0.9301463393005901, 0.06985366069940986),
            (50, 40, 0.07033506665939494, 0.9296649333406051),
            (2.5, 30, 0.9999999999878454, 1.2154569777183007e-11),
        ]
        for c in cases {
            #expect(close(SpecialFunctions.regularizedGammaP(c.a, c.x), c.p))
            #expect(close(SpecialFunctions.regularizedGammaQ(c.a, c.x), c.q, relative: 1e-9))
        }
        // P(1, x) = 1 − e⁻ˣ; P(½, x) = erf(√x).
        #expect(close(SpecialFunctions.regularizedGammaP(1, 0.7), 1 - exp(-0.7), relative: 1e-13))
        #expect(close(SpecialFunctions.regularizedGammaP(0.5, 3.3), erf(3.3.squareRoot()), relative: 1e-13))
    }

    @Test func normalQuantileMatchesSciPyAndInvertsTheCDF() {
        // special.ndtri(p)
        let cases: [(p: Double, z: Double)] = [
            (1e-300, -37.0470962993612), (1e-10, -6.361340902404056), (0.001, -3.090232306167813),
            (0.02, -2.053748910631823), (0.3, -0.5244005127080409), (0.5, 0),
            (0.975, 1.959963984540054), (0.9999999, 5.199337582290661),
        ]
        for c in cases {
            #expect(abs(NormalDistribution.quantile(c.p) - c.z) <= 1e-12 * max(1, abs(c.z)), "Φ⁻¹(\(c.p))")
        }
        for p in [0.001, 0.1, 0.4, 0.6, 0.77, 0.99] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) < 1e-15)
        }
        #expect(abs(NormalDistribution.cdf(1.959963984540054) - 0.975) < 1e-15)
    }

    @Test func tDistributionClosedFormsAndSciPy() {
        // ν = 1 is the Cauchy distribution: P(|T| ≥ t) = 1 − (2/π) atan t; ν = 2: 1 − t/√(2 + t²).
        let cauchy = StudentTDistribution(degreesOfFreedom: 1), two = StudentTDistribution(degreesOfFreedom: 2)
        for t in [0.1, 0.9, 2.0, 7.5, 40.0] {
            #expect(close(cauchy.twoSidedPValue(t), 1 - 2 / Double.pi * atan(t), relative: 1e-12))
            #expect(close(two.twoSidedPValue(-t), 1 - t / (2 + t * t).squareRoot(), relative: 1e-11))
        }
        // Large ν tends to the normal distribution.
        #expect(abs(StudentTDistribution(degreesOfFreedom: 1e7).survival(1.96) - NormalDistribution.survival(1.96)) < 1e-7)
        // stats.t.sf(2.5, 7.3), stats.t.sf(-1.2, 3), 2 * stats.t.sf(40, 5)
        #expect(close(StudentTDistribution(degreesOfFreedom: 7.3).survival(2.5), 0.019825117332800214))
        #expect(close(StudentTDistribution(degreesOfFreedom: 3).survival(-1.2), 0.8418689426509474))
        #expect(close(StudentTDistribution(degreesOfFreedom: 5).twoSidedPValue(40), 1.8411962171772954e-07))
    }

    @Test func fAndChiSquaredMatchSciPy() {
        // stats.f.sf(3.2, 4, 17), stats.chi2.sf(12.5, 6), stats.chi2.sf(0.3, 1)
        let f = FDistribution(numeratorDegreesOfFreedom: 4, denominatorDegreesOfFreedom: 17)
        #expect(close(f.survival(3.2), 0.03940257036466549))
        #expect(abs(f.survival(3.2) + f.cdf(3.2) - 1) < 1e-14)
        #expect(close(ChiSquaredDistribution(degreesOfFreedom: 6).survival(12.5), 0.051699974835848345))
        #expect(close(ChiSquaredDistribution(degreesOfFreedom: 1).survival(0.3), 0.583882420770365))
        // χ² with 2 degrees of freedom is exponential: P(X ≥ x) = e^(−x/2).
        #expect(close(ChiSquaredDistribution(degreesOfFreedom: 2).survival(9), exp(-4.5), relative: 1e-12))
    }
}

@Suite struct HypothesisTestsTests {
    private func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(b), 1e-300)
    }

    private let a = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3]
    private let b = [6.5, 6.1, 7.0, 6.8, 5.9, 7.2, 6.6, 6.9, 7.4]

    @Test func pearsonMatchesSciPy() {
        let x = [2.04, -2.56, 0.42, -0.57, -0.45, -0.22, -2.02, -0.23, -0.87, 3.32, 0.23, -0.35]
        let y = [0.74, -1.95, -0.85, -0.68, 0.26, -0.35, -0.05, -0.31, -0.41, 3.21, 0.66, -0.68]
        // stats.pearsonr(x, y)
        let r = HypothesisTests.pearson(x, y)
        #expect(close(r.coefficient, 0.8304440988582812))
        #expect(close(r.pValue, 0.0008240810884824127))
        #expect(r.count == 12)
        // Reversing one side flips the sign and keeps the p-value.
        let reversed = HypothesisTests.pearson(x, y.map { -$0 })
        #expect(close(reversed.coefficient, -0.8304440988582812) && close(reversed.pValue, r.pValue))
        // A constant side leaves r undefined.
        #expect(HypothesisTests.pearson(x, Array(repeating: 1, count: 12)).pValue.isNaN)
    }

    @Test func spearmanHandlesTiesAsSciPy() {
        // stats.spearmanr(x, y)
        let r = HypothesisTests.spearman([1, 2, 2, 3, 4, 4, 4, 5, 6, 7], [2, 1, 3, 3, 5, 4, 6, 6, 6, 9])
        #expect(close(r.coefficient, 0.934375))
        #expect(close(r.pValue, 7.492681297860981e-05))
        // A monotone but non-linear relation has ρ = 1.
        let x = (1...10).map(Double.init)
        #expect(close(HypothesisTests.spearman(x, x.map { exp($0) }).coefficient, 1))
    }

    @Test func averageRanks() {
        #expect(Ranking.averageRanks([10, 30, 20, 20, 10, 40]) == [1.5, 5, 3.5, 3.5, 1.5, 6])
        #expect(Ranking.tieGroupSizes([1, 2, 2, 3, 3, 3]) == [2, 3])
    }

    @Test func welchMatchesSciPy() {
        // stats.ttest_ind(a, b, equal_var=False)
        let w = HypothesisTests.welch(a, b)
        #expect(close(w.t, -4.786188386663756))
        #expect(close(w.degreesOfFreedom, 13.200690297050238))
        #expect(close(w.pValue, 0.0003408277869208869))
        #expect(close(w.meanDifference, Statistics.mean(a) - Statistics.mean(b)))
    }

    @Test func mannWhitneyMatchesSciPy() {
        // stats.mannwhitneyu(a, b) chooses the exact distribution (7 values, no ties).
        let exact = HypothesisTests.mannWhitneyU(a, b)
        #expect(exact.method == .exact)
        #expect(exact.u == 3)
        #expect(close(exact.pValue, 0.0012237762237762239))
        // Ties force the normal approximation with tie correction: stats.mannwhitneyu(c, d).
        let c: [Double] = [1, 2, 2, 3, 3, 3, 4, 8, 9, 10], d: [Double] = [2, 3, 3, 4, 5, 5, 6, 7, 7, 11, 12]
        let tied = HypothesisTests.mannWhitneyU(c, d)
        #expect(tied.method == .asymptotic)
        #expect(tied.u == 37.5)
        #expect(close(tied.pValue, 0.22714802777202814))
        // stats.mannwhitneyu(e, f): tiny samples, exact.
        #expect(close(HypothesisTests.mannWhitneyU([1.1, 2.2, 3.3], [4.4, 5.5, 0.5, 6.6]).pValue, 0.4))
        // Larger samples: asymptotic by default, exact on request.
        let g = (1...10).map(Double.init), h = [3.5] + (11...21).map(Double.init)
        #expect(close(HypothesisTests.mannWhitneyU(g, h).pValue, 0.0005366804361047722))
        #expect(close(HypothesisTests.mannWhitneyU(g, h, method: .exact).pValue, 0.00013917970574317323))
    }

    @Test func anovaAndKruskalWallisMatchSciPy() {
        let c = [5.9, 6.3, 5.2, 6.1, 6.6]
        // stats.f_oneway(a, b, c), stats.kruskal(a, b, c)
        let f = HypothesisTests.oneWayANOVA([a, b, c])
        #expect(close(f.statistic, 11.208929675925253) && close(f.pValue, 0.0006891166947600849))
        #expect(f.numeratorDegreesOfFreedom == 2 && f.denominatorDegreesOfFreedom == 18)
        let h = HypothesisTests.kruskalWallis([a, b, c])
        #expect(close(h.statistic, 10.997676363974348) && close(h.pValue, 0.004091522282409215))
        // With ties (tie-corrected H).
        let x: [Double] = [1, 2, 2, 3, 3, 3, 4], y: [Double] = [2, 3, 3, 4, 5, 5], z: [Double] = [1, 1, 2, 6, 7, 7, 8, 8]
        let tied = HypothesisTests.kruskalWallis([x, y, z])
        #expect(close(tied.statistic, 2.576128653858346) && close(tied.pValue, 0.2758041333611123))
        let anova = HypothesisTests.oneWayANOVA([x, y, z])
        #expect(close(anova.statistic, 2.4641598119859) && close(anova.pValue, 0.11326676606687042))
        // Two groups: F = t² of the pooled t-test, so ANOVA's p equals its two-sided p.
        let two = HypothesisTests.oneWayANOVA([a, b])
        let n1 = Double(a.count), n2 = Double(b.count)
        let pooled = ((n1 - 1) * HypothesisTests.variance(a) + (n2 - 1) * HypothesisTests.variance(b)) / (n1 + n2 - 2)
        let t = (Statistics.mean(a) - Statistics.mean(b)) / (pooled * (1 / n1 + 1 / n2)).squareRoot()
        #expect(close(two.statistic, t * t))
        #expect(close(two.pValue, StudentTDistribution(degreesOfFreedom: n1 + n2 - 2).twoSidedPValue(t)))
    }

    @Test func exactDistributionOfUSumsToOne() {
        // P(U ≥ 0) = 1, and with m = n = 2 the six arrangements give U = 0,1,2,2,3,4: P(U ≥ 3) = 2/6.
        #expect(abs(HypothesisTests.exactUpperTail(0, 5, 7) - 1) < 1e-14)
        #expect(abs(HypothesisTests.exactUpperTail(3, 2, 2) - 2.0 / 6) < 1e-15)
    }

    @Test func effectSizes() {
        // Pooled-SD d and the exact Hedges correction Γ(ν/2)/(√(ν/2) Γ((ν−1)/2)), ν = 14 (NumPy / scipy.special).
        #expect(close(EffectSize.cohensD(a, b), -2.4040736753783674))
        #expect(close(EffectSize.hedgesG(a, b), -2.2725413456846972))
        #expect(abs(EffectSize.biasCorrection(degreesOfFreedom: 14) - (1 - 3.0 / (4 * 14 - 1))) < 2e-4)
        #expect(EffectSize.cohensD([1, 1], [1, 1]).isNaN)
    }

    @Test func benjaminiHochbergMatchesSciPy() {
        // stats.false_discovery_control([0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.04])
        let q = MultipleTesting.benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.04])
        let expected = [0.035, 0.056, 0.056, 0.035, 0.5, 0.23333333333333336, 0.056]
        #expect(zip(q, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        // NaN stays NaN and does not count among the tests.
        let withNaN = MultipleTesting.benjaminiHochberg([0.02, .nan, 0.04])
        #expect(withNaN[1].isNaN && withNaN[0] == 0.04 && withNaN[2] == 0.04)
    }
}
