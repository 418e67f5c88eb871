import Foundation

/// Special functions behind the distribution functions of the hypothesis tests: the log-gamma
/// and log-beta functions and the regularized incomplete beta and gamma functions.
///
/// The incomplete functions are evaluated by their power series and continued fractions
/// (DLMF 8.7.1, 8.9.2, 8.17.22) with the modified Lentz algorithm, to about 1e-14 relative accuracy.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double {
        precondition(x > 0, "logGamma needs x > 0, got \(x)")
        return lgamma(x)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularized incomplete beta function Iₓ(a, b) for 0 ≤ x ≤ 1 and a, b > 0.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "incomplete beta needs a, b > 0")
        precondition(x >= 0 && x <= 1, "incomplete beta needs 0 ≤ x ≤ 1, got \(x)")
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        // The continued fraction converges fast below the mean-like point (a + 1) / (a + b + 2);
        // above it, the symmetry Iₓ(a, b) = 1 − I₁₋ₓ(b, a) moves the argument there.
        if x > (a + 1) / (a + b + 2) {
            return 1 - betaContinuedFraction(1 - x, a: b, b: a)
        }
        return betaContinuedFraction(x, a: a, b: b)
    }

    /// Iₓ(a, b) from the continued fraction (DLMF 8.17.22), for x below (a + 1) / (a + b + 2).
    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b) - log(a)
        // Iₓ = front / (1 + d₁ / (1 + d₂ / (1 + …))); the denominator by modified Lentz (b₀ = 1).
        let tiny = 1e-300
        var f = 1.0, c = 1.0, d = 0.0
        for step in 1..<20_000 {
            let m = Double(step / 2)
            let coefficient = step % 2 == 0
                ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + coefficient * d
            if abs(d) < tiny { d = tiny }
            d = 1 / d
            c = 1 + coefficient / c
            if abs(c) < tiny { c = tiny }
            let delta = c * d
            f *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logFront) / f
    }

    /// The regularized lower incomplete gamma function P(a, x) for a > 0, x ≥ 0.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "incomplete gamma needs a > 0 and x ≥ 0")
        if x == 0 { return 0 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x) for a > 0, x ≥ 0.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "incomplete gamma needs a > 0 and x ≥ 0")
        if x == 0 { return 1 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x)
    }

    /// P(a, x) from its power series (DLMF 8.7.1), for x < a + 1.
    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, denominator = a
        for _ in 0..<10_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(a * log(x) - x - logGamma(a))
    }

    /// Q(a, x) from Legendre's continued fraction (DLMF 8.9.2), for x ≥ a + 1.
    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(a * log(x) - x - logGamma(a)) * h
    }
}
