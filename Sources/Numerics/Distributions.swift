import Foundation

/// The standard normal distribution N(0, 1).
public enum NormalDistribution {
    /// Φ(z), the probability of a value ≤ `z`.
    public static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// 1 − Φ(z), computed without cancellation in the upper tail.
    public static func survival(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// The density φ(z).
    public static func density(_ z: Double) -> Double {
        exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
    }

    /// The quantile Φ⁻¹(p) for 0 < p < 1 (−∞ at 0, +∞ at 1).
    ///
    /// Acklam's rational approximation (relative error below 1.2e-9) refined by two Halley steps on
    /// `erfc`, which brings it to full double precision.
    public static func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "a probability must lie in [0, 1], got \(p)")
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let lowerBreak = 0.02425
        var x: Double
        if p < lowerBreak || p > 1 - lowerBreak {
            let q = (-2 * log(min(p, 1 - p))).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
            if p > 0.5 { x = -x }
        } else {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        }
        for _ in 0..<2 {
            // Work on the smaller tail so that the residual keeps its relative precision.
            let error = p < 0.5 ? cdf(x) - p : (1 - p) - survival(x)
            let u = error / density(x)
            x -= u / (1 + x * u / 2)
        }
        return x
    }
}

/// Student's t distribution with ν degrees of freedom (ν > 0, not necessarily whole).
public struct StudentTDistribution: Sendable {
    /// ν.
    public var degreesOfFreedom: Double

    /// The distribution with `degreesOfFreedom` ν > 0.
    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "t needs positive degrees of freedom, got \(degreesOfFreedom)")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
    public func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if t.isInfinite { return 0 }
        let nu = degreesOfFreedom
        return SpecialFunctions.regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// P(T ≥ t).
    public func survival(_ t: Double) -> Double {
        let half = twoSidedPValue(t) / 2
        return t >= 0 ? half : 1 - half
    }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double { survival(-t) }
}

/// The F distribution with d₁ and d₂ degrees of freedom.
public struct FDistribution: Sendable {
    /// d₁, the numerator's degrees of freedom.
    public var numeratorDegreesOfFreedom: Double
    /// d₂, the denominator's degrees of freedom.
    public var denominatorDegreesOfFreedom: Double

    /// The distribution with d₁, d₂ > 0.
    public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) {
        precondition(numeratorDegreesOfFreedom > 0 && denominatorDegreesOfFreedom > 0, "F needs positive degrees of freedom")
        self.numeratorDegreesOfFreedom = numeratorDegreesOfFreedom
        self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
    }

    /// P(F ≥ f) = I_{d₂/(d₂+d₁f)}(d₂/2, d₁/2), the p-value of an F test.
    public func survival(_ f: Double) -> Double {
        if f <= 0 { return 1 }
        let d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom
        return SpecialFunctions.regularizedIncompleteBeta(d2 / (d2 + d1 * f), a: d2 / 2, b: d1 / 2)
    }

    /// P(F ≤ f).
    public func cdf(_ f: Double) -> Double {
        if f <= 0 { return 0 }
        let d1 = numeratorDegreesOfFreedom, d2 = denominatorDegreesOfFreedom
        return SpecialFunctions.regularizedIncompleteBeta(d1 * f / (d1 * f + d2), a: d1 / 2, b: d2 / 2)
    }
}

/// The χ² distribution with k degrees of freedom.
public struct ChiSquaredDistribution: Sendable {
    /// k.
    public var degreesOfFreedom: Double

    /// The distribution with k > 0.
    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "χ² needs positive degrees of freedom")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(X ≥ x) = Q(k/2, x/2), the p-value of a χ² test.
    public func survival(_ x: Double) -> Double {
        x <= 0 ? 1 : SpecialFunctions.regularizedGammaQ(degreesOfFreedom / 2, x / 2)
    }

    /// P(X ≤ x) = P(k/2, x/2).
    public func cdf(_ x: Double) -> Double {
        x <= 0 ? 0 : SpecialFunctions.regularizedGammaP(degreesOfFreedom / 2, x / 2)
    }
}
