import Foundation

/// The Wilson score interval of a proportion: a confidence interval that behaves well for small samples
/// and for rates near 0 or 1 (where the normal approximation gives intervals outside [0, 1]).
public struct WilsonInterval: Sendable, Equatable, Codable {
    public var lower: Double
    public var upper: Double

    /// The interval for `successes` out of `trials` (successes may be fractional, as expected counts are)
    /// at the confidence of the normal quantile `z` (1.96 for 95%). With no trials it is [0, 1].
    public init(successes: Double, trials: Int, z: Double = 1.959964) {
        guard trials > 0 else { lower = 0; upper = 1; return }
        let n = Double(trials)
        let p = min(max(successes / n, 0), 1)
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }

    /// Whether `value` lies in the interval.
    public func contains(_ value: Double) -> Bool { value >= lower - 1e-12 && value <= upper + 1e-12 }
}
