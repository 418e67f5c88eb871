/// What one real face (or one time span of a video) shows, as a person read it off the picture:
/// the expression in words and the FACS action units that must be active or quiet in a fit of it.
///
/// Action units are FACS labels (`AU1`, `AU12`, `AU26`) with left and right pooled: a fit's
/// `AU12` is the larger of its `AU12L` and `AU12R` (`ActionUnitPooling`).
public struct ExpressionLabel: Sendable, Equatable, Codable {
    /// The image or video, relative to the data folder (`pyfeat/0-f1-su-ph.jpg`).
    public var file: String
    /// Where the span starts in a video, in seconds; nil for a still image or the whole video.
    public var fromSeconds: Double?
    /// Where the span ends in a video, in seconds; nil for a still image or the whole video.
    public var toSeconds: Double?
    /// The expression in words ("surprise", "laughing (open smile)").
    public var expression: String
    /// Action units that must be active (`AU6`, `AU12`), in file order.
    public var mustBeActive: [String]
    /// Action units that must be quiet, in file order.
    public var mustBeQuiet: [String]
    /// The line of the labels file the label is on (0 when made in code).
    public var line: Int

    /// Creates a label.
    public init(file: String, fromSeconds: Double? = nil, toSeconds: Double? = nil, expression: String,
                mustBeActive: [String] = [], mustBeQuiet: [String] = [], line: Int = 0) {
        self.file = file
        self.fromSeconds = fromSeconds
        self.toSeconds = toSeconds
        self.expression = expression
        self.mustBeActive = mustBeActive
        self.mustBeQuiet = mustBeQuiet
        self.line = line
    }

    /// Whether the label covers a time span of a video rather than a whole file.
    public var hasTimeSpan: Bool { fromSeconds != nil }

    /// Whether `time` (seconds) lies in the label's span (always, without a span).
    public func covers(time: Double) -> Bool {
        guard let fromSeconds, let toSeconds else { return true }
        return time >= fromSeconds - 1e-9 && time <= toSeconds + 1e-9
    }

    /// `text` as a FACS action-unit label (`AU1` for "AU1", "au01" or "AU 1"), or nil if it is not one.
    public static func actionUnitLabel(_ text: some StringProtocol) -> String? {
        let upper = text.uppercased()
        guard upper.hasPrefix("AU") else { return nil }
        let digits = upper.dropFirst(2).trimmingPrefix(" ")
        guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit), let number = Int(digits) else { return nil }
        return "AU\(number)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
