/// The bounds an action unit's fitted intensity (0…1, left and right pooled) must keep to agree
/// with a label: a must-be-active action unit reaches at least `activeMinimum`, a must-be-quiet one
/// stays at or below `quietMaximum`.
public struct ActionUnitCriteria: Sendable, Equatable, Codable {
    /// The highest intensity a quiet action unit may have (default 0.15).
    public var quietMaximum: Double
    /// The lowest intensity an active action unit must have (default 0.35).
    public var activeMinimum: Double

    /// Creates criteria; the defaults are 0.15 and 0.35.
    public init(quietMaximum: Double = 0.15, activeMinimum: Double = 0.35) {
        self.quietMaximum = quietMaximum
        self.activeMinimum = activeMinimum
    }

    /// Judges the pooled action-unit `intensities` (FACS label → intensity, e.g. from
    /// `ActionUnitPooling`) against `label`.
    ///
    /// An active action unit fails below `activeMinimum`, a quiet one above `quietMaximum`; one that
    /// `intensities` lacks, or that is NaN, fails as not measured. Active failures come first.
    public func judge(_ label: ExpressionLabel, intensities: [String: Double]) -> LabelVerdict {
        var failures: [LabelVerdict.Failure] = []
        for unit in label.mustBeActive {
            let value = intensities[unit].flatMap { $0.isNaN ? nil : $0 }
            if value.map({ $0 < activeMinimum }) ?? true {
                failures.append(.init(actionUnit: unit, requirement: .active, value: value, threshold: activeMinimum))
            }
        }
        for unit in label.mustBeQuiet {
            let value = intensities[unit].flatMap { $0.isNaN ? nil : $0 }
            if value.map({ $0 > quietMaximum }) ?? true {
                failures.append(.init(actionUnit: unit, requirement: .quiet, value: value, threshold: quietMaximum))
            }
        }
        return LabelVerdict(line: label.line, expression: label.expression, failures: failures)
    }
}
