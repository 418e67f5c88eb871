import Foundation

/// Standardized mean differences of two independent samples.
public enum EffectSize {
    /// Cohen's d = (mean₁ − mean₂) / s_pooled, with s_pooled² = ((n₁−1)s₁² + (n₂−1)s₂²) / (n₁ + n₂ − 2).
    /// NaN when the pooled standard deviation is 0 or a sample has fewer than two values.
    public static func cohensD(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count >= 2, y.count >= 2 else { return .nan }
        let n1 = Double(x.count), n2 = Double(y.count)
        let pooled = ((n1 - 1) * HypothesisTests.variance(x) + (n2 - 1) * HypothesisTests.variance(y)) / (n1 + n2 - 2)
        guard pooled > 0 else { return .nan }
        return (Statistics.mean(x) - Statistics.mean(y)) / pooled.squareRoot()
    }

    /// Hedges' g: Cohen's d times the exact small-sample bias correction
    /// J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2)), ν = n₁ + n₂ − 2 (≈ 1 − 3/(4ν − 1)).
    public static func hedgesG(_ x: [Double], _ y: [Double]) -> Double {
        let d = cohensD(x, y)
        guard d.isFinite else { return d }
        return d * biasCorrection(degreesOfFreedom: Double(x.count + y.count - 2))
    }

    /// J(ν), the factor that makes Hedges' g unbiased (ν ≥ 2; for ν = 1 the mean of d does not exist).
    public static func biasCorrection(degreesOfFreedom nu: Double) -> Double {
        guard nu > 1 else { return .nan }
        return exp(SpecialFunctions.logGamma(nu / 2) - SpecialFunctions.logGamma((nu - 1) / 2)) / (nu / 2).squareRoot()
    }
}
