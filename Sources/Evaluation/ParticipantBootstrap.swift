import Numerics

/// Percentile bootstrap confidence intervals that resample participants, not rows: when a participant
/// contributes several rows (stimuli, frames), all of them enter or leave a resample together, so the
/// interval reflects the number of independent participants.
public struct ParticipantBootstrap: Sendable {
    /// The number of resamples.
    public let resamples: Int
    /// The confidence level of the intervals.
    public let level: Double
    /// The seed that fixes the resamples.
    public let seed: UInt64
    /// The row indices of each participant.
    private let rowsOfParticipant: [[Int]]

    /// A bootstrap over the rows of `participantOfRow` (the participant of each row).
    public init(participantOfRow: [String], resamples: Int = 2000, level: Double = 0.95, seed: UInt64) {
        precondition(resamples > 0 && level > 0 && level < 1)
        var index: [String: Int] = [:]
        var rows: [[Int]] = []
        for (row, participant) in participantOfRow.enumerated() {
            if let k = index[participant] {
                rows[k].append(row)
            } else {
                index[participant] = rows.count
                rows.append([row])
            }
        }
        rowsOfParticipant = rows
        self.resamples = resamples
        self.level = level
        self.seed = seed
    }

    /// The number of distinct participants.
    public var participantCount: Int { rowsOfParticipant.count }

    /// The resamples: each a list of row indices (with repetition) from participants drawn with replacement.
    public func resampledRows() -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        let n = rowsOfParticipant.count
        return (0..<resamples).map { _ in
            (0..<n).flatMap { _ in rowsOfParticipant[generator.nextIndex(below: n)] }
        }
    }

    /// Percentile intervals of several statistics computed on the same resamples.
    ///
    /// `statistics` maps the rows of one resample to `count` values; a nil value (a statistic that is
    /// undefined in that resample, such as an AUC without positives) is left out of that statistic's
    /// percentiles. A statistic that is never defined gets nil.
    public func intervals(count: Int, _ statistics: ([Int]) -> [Double?]) -> [ConfidenceInterval?] {
        var samples = Array(repeating: [Double](), count: count)
        for rows in resampledRows() {
            let values = statistics(rows)
            precondition(values.count == count, "the statistics returned \(values.count) values, not \(count)")
            for (k, value) in values.enumerated() {
                if let value, value.isFinite { samples[k].append(value) }
            }
        }
        let alpha = (1 - level) / 2
        return samples.map { values in
            values.isEmpty ? nil : ConfidenceInterval(
                lower: Statistics.quantile(values, alpha), upper: Statistics.quantile(values, 1 - alpha), level: level)
        }
    }

    /// The percentile interval of one statistic.
    public func interval(_ statistic: ([Int]) -> Double?) -> ConfidenceInterval? {
        intervals(count: 1) { [statistic($0)] }[0]
    }
}
