import FaceAtlasCore

/// The diagnostic groups of a synthetic cohort and how many participants each has.
public struct SyntheticCohortGroups: Sendable, Equatable {
    /// One group and its size.
    public struct Entry: Sendable, Equatable {
        /// The group's name (MDD, BD, HC).
        public var name: String
        /// Its number of participants.
        public var count: Int
        /// A group of `count` participants.
        public init(name: String, count: Int) {
            self.name = name
            self.count = count
        }
    }

    /// The groups in order.
    public var entries: [Entry]

    /// Groups from their entries.
    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// The Emoface training cohort: 158 MDD, 128 BD, 67 HC.
    public static let emofaceTraining = SyntheticCohortGroups([
        Entry(name: "MDD", count: 158), Entry(name: "BD", count: 128), Entry(name: "HC", count: 67),
    ])

    /// The number of participants.
    public var total: Int { entries.reduce(0) { $0 + $1.count } }

    /// Groups from text such as `MDD:158,BD:128,HC:67`.
    /// - Throws: `UsageError` for a malformed entry, a repeated name or no participants.
    public static func parse(_ text: String) throws -> SyntheticCohortGroups {
        var entries: [Entry] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), count >= 0 else {
                throw UsageError("groups: '\(item)' is not NAME:COUNT (for example MDD:158,BD:128,HC:67)")
            }
            guard !entries.contains(where: { $0.name == parts[0] }) else { throw UsageError("groups: '\(parts[0])' is named twice") }
            entries.append(Entry(name: parts[0], count: count))
        }
        let groups = SyntheticCohortGroups(entries)
        guard groups.total > 0 else { throw UsageError("groups: '\(text)' holds no participants") }
        return groups
    }

    /// These groups with their sizes scaled to `total` participants in proportion (largest remainders;
    /// ties go to the earlier group).
    public func scaled(to total: Int) -> SyntheticCohortGroups {
        let current = self.total
        guard current > 0, total != current else { return self }
        let exact = entries.map { Double($0.count) * Double(total) / Double(current) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for i in order.prefix(total - counts.reduce(0, +)) { counts[i] += 1 }
        return SyntheticCohortGroups(zip(entries, counts).map { Entry(name: $0.name, count: $1) })
    }

    /// `MDD:158,BD:128,HC:67`.
    public var description: String { entries.map { "\($0.name):\($0.count)" }.joined(separator: ",") }
}
