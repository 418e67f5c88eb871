/// A two-sided confidence interval.
public struct ConfidenceInterval: Sendable, Equatable, Codable {
    /// The lower bound.
    public var lower: Double
    /// The upper bound.
    public var upper: Double
    /// The confidence level (0.95 for a 95% interval).
    public var level: Double

    /// An interval [`lower`, `upper`] at `level`.
    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// Whether `value` lies in the interval (bounds included).
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
}
