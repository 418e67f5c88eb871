import Foundation

/// Whether a fit shows what an `ExpressionLabel` says, and which action units disagree.
public struct LabelVerdict: Sendable, Equatable, Codable {
    /// One action unit that is not as the label requires.
    public struct Failure: Sendable, Equatable, Codable {
        /// What the label requires of an action unit.
        public enum Requirement: String, Sendable, Codable {
            /// At least `ActionUnitCriteria.activeMinimum`.
            case active
            /// At most `ActionUnitCriteria.quietMaximum`.
            case quiet
        }

        /// The FACS label (`AU12`).
        public var actionUnit: String
        /// Whether it had to be active or quiet.
        public var requirement: Requirement
        /// The fitted (pooled) intensity; nil when the fit does not measure this action unit.
        public var value: Double?
        /// The bound it missed.
        public var threshold: Double

        /// Creates a failure.
        public init(actionUnit: String, requirement: Requirement, value: Double?, threshold: Double) {
            self.actionUnit = actionUnit
            self.requirement = requirement
            self.value = value
            self.threshold = threshold
        }

        /// "AU12 0.080 < 0.35", "AU4 0.412 > 0.15", "AU22 not measured".
        public var summary: String {
            guard let value else { return "\(actionUnit) not measured" }
            let relation = requirement == .active ? "<" : ">"
            return "\(actionUnit) \(String(format: "%.3f", value)) \(relation) \(String(format: "%.2f", threshold))"
        }
    }

    /// The label's line in the labels file.
    public var line: Int
    /// The label's expression in words.
    public var expression: String
    /// Whether every action unit is as required.
    public var passed: Bool { failures.isEmpty }
    /// The action units that are not, active requirements first, each in label order.
    public var failures: [Failure]

    /// Creates a verdict.
    public init(line: Int, expression: String, failures: [Failure]) {
        self.line = line
        self.expression = expression
        self.failures = failures
    }

    private enum CodingKeys: String, CodingKey { case line, expression, passed, failures }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        line = try c.decode(Int.self, forKey: .line)
        expression = try c.decode(String.self, forKey: .expression)
        failures = try c.decode([Failure].self, forKey: .failures)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(line, forKey: .line)
        try c.encode(expression, forKey: .expression)
        try c.encode(passed, forKey: .passed)
        try c.encode(failures, forKey: .failures)
    }
}
