import FaceAtlasCore
import Numerics

/// Why a split could not be made or is not valid.
public enum SplitError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A participant appears on two sides of a split (or twice on one side).
    case participantOnTwoSides(String)
    /// A participant's rows carry different groups.
    case inconsistentGroup(participant: String, groups: [String])
    /// Fewer participants than folds.
    case tooFewParticipants(count: Int, folds: Int)

    public var description: String {
        switch self {
        case .participantOnTwoSides(let p):
            return "participant \(p) would be on two sides of the split: its data would leak between training and test"
        case .inconsistentGroup(let p, let groups):
            return "participant \(p) has rows in several groups (\(groups.joined(separator: ", "))); a participant has one group"
        case .tooFewParticipants(let count, let folds):
            return "\(count) participants cannot fill \(folds) folds"
        }
    }
}

/// Participants assigned to training, validation and test, each participant on exactly one side.
///
/// Splits are made per participant, never per row, so that no participant's stimuli or frames sit on
/// both sides (the initializer checks it and throws otherwise). They are stratified by group (each
/// group is split in the same proportions) and fixed by a seed.
public struct ParticipantSplit: Sendable, Equatable, Codable {
    /// The side of a split.
    public enum Side: String, Sendable, Codable, CaseIterable {
        /// Fitting.
        case training
        /// Tuning.
        case validation
        /// Measuring.
        case test
    }

    /// Participants used for fitting.
    public let training: [String]
    /// Participants used for tuning (temperatures, thresholds); empty in a two-way split.
    public let validation: [String]
    /// Participants held out for measuring.
    public let test: [String]

    /// A split of the given participants; throws `SplitError.participantOnTwoSides` when a participant
    /// is listed twice anywhere.
    public init(training: [String], validation: [String] = [], test: [String]) throws {
        var seen = Set<String>()
        for participant in training + validation + test where !seen.insert(participant).inserted {
            throw SplitError.participantOnTwoSides(participant)
        }
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// The side `participant` is on, or nil when it is not in the split.
    public func side(of participant: String) -> Side? {
        if training.contains(participant) { return .training }
        if validation.contains(participant) { return .validation }
        if test.contains(participant) { return .test }
        return nil
    }

    /// The row indices on each side, for rows labelled with their participant; rows of participants
    /// outside the split are on no side.
    public func rows(participantOfRow: [String]) -> [Side: [Int]] {
        var sideOf: [String: Side] = [:]
        for p in training { sideOf[p] = .training }
        for p in validation { sideOf[p] = .validation }
        for p in test { sideOf[p] = .test }
        var result: [Side: [Int]] = [.training: [], .validation: [], .test: []]
        for (row, participant) in participantOfRow.enumerated() {
            if let side = sideOf[participant] { result[side]!.append(row) }
        }
        return result
    }

    /// Stratified k-fold cross-validation by participant: fold k tests the k-th part and trains on the rest.
    ///
    /// `participants` and `groups` are parallel (one entry per row; a participant may have several rows,
    /// all in the same group). Within each group the participants are shuffled with the seed and dealt
    /// to the folds in turn, continuing where the previous group stopped so that fold sizes differ by at most one.
    public static func stratifiedFolds(
        participants: [String], groups: [String], folds: Int, seed: UInt64
    ) throws -> [ParticipantSplit] {
        precondition(folds >= 2, "cross-validation needs at least two folds")
        let byGroup = try participantsByGroup(participants: participants, groups: groups)
        let count = byGroup.reduce(0) { $0 + $1.members.count }
        guard count >= folds else { throw SplitError.tooFewParticipants(count: count, folds: folds) }
        var generator = SeededGenerator(seed: seed)
        var parts = Array(repeating: [String](), count: folds)
        var next = 0
        for group in byGroup {
            for participant in generator.shuffled(group.members) {
                parts[next].append(participant)
                next = (next + 1) % folds
            }
        }
        return try (0..<folds).map { k in
            try ParticipantSplit(training: (0..<folds).filter { $0 != k }.flatMap { parts[$0] }, test: parts[k])
        }
    }

    /// A stratified split in the proportions of `ratio` ("7:2", "7:2:1"): each group is shuffled with
    /// the seed and cut in those proportions (largest remainders get the leftover participants).
    public static func stratified(
        participants: [String], groups: [String], ratio: SplitRatio, seed: UInt64
    ) throws -> ParticipantSplit {
        let byGroup = try participantsByGroup(participants: participants, groups: groups)
        var generator = SeededGenerator(seed: seed)
        let shares = [ratio.training, ratio.validation, ratio.test]
        let total = Double(shares.reduce(0, +))
        var sides = Array(repeating: [String](), count: 3)
        for group in byGroup {
            let members = generator.shuffled(group.members)
            let exact = shares.map { Double(members.count) * Double($0) / total }
            var sizes = exact.map { Int($0.rounded(.down)) }
            let order = (0..<3).sorted { exact[$0] - Double(sizes[$0]) > exact[$1] - Double(sizes[$1]) }
            var leftover = members.count - sizes.reduce(0, +)
            for k in order where leftover > 0 && shares[k] > 0 {
                sizes[k] += 1
                leftover -= 1
            }
            var start = 0
            for k in 0..<3 {
                sides[k] += members[start..<(start + sizes[k])]
                start += sizes[k]
            }
        }
        return try ParticipantSplit(training: sides[0], validation: sides[1], test: sides[2])
    }

    /// The distinct participants of each group, groups and participants sorted,
    /// so that a split depends only on the seed and the set of participants, not on row order.
    static func participantsByGroup(
        participants: [String], groups: [String]
    ) throws -> [(group: String, members: [String])] {
        precondition(participants.count == groups.count, "\(participants.count) participants but \(groups.count) groups")
        var groupOf: [String: String] = [:]
        var groupOrder: [String] = []
        for (participant, group) in zip(participants, groups) {
            if let known = groupOf[participant] {
                guard known == group else {
                    throw SplitError.inconsistentGroup(participant: participant, groups: [known, group])
                }
                continue
            }
            groupOf[participant] = group
            if !groupOrder.contains(group) { groupOrder.append(group) }
        }
        return groupOrder.sorted().map { group in
            (group, groupOf.filter { $0.value == group }.map(\.key).sorted())
        }
    }
}
