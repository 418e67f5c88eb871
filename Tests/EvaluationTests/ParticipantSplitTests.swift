import Foundation
import Testing
@testable import Evaluation

@Suite struct ParticipantSplitTests {
    /// A cohort in the paper's proportions, five rows (stimuli) per participant.
    private func cohort() -> (participants: [String], groups: [String]) {
        var participants: [String] = [], groups: [String] = []
        for (group, size) in [("MDD", 158), ("BD", 128), ("HC", 67)] {
            for k in 0..<size {
                for _ in 0..<5 {
                    participants.append("\(group)-\(k)")
                    groups.append(group)
                }
            }
        }
        return (participants, groups)
    }

    @Test func stratifiedFoldsPartitionParticipants() throws {
        let (participants, groups) = cohort()
        let folds = try ParticipantSplit.stratifiedFolds(participants: participants, groups: groups, folds: 5, seed: 42)
        #expect(folds.count == 5)
        let everyone = Set(participants)
        var tested: [String] = []
        for fold in folds {
            #expect(Set(fold.training).isDisjoint(with: fold.test))
            #expect(Set(fold.training).union(fold.test) == everyone)
            tested += fold.test
            // Stratified: each group's share of the fold is within one participant of its share overall.
            for (group, size) in [("MDD", 158), ("BD", 128), ("HC", 67)] {
                let inFold = fold.test.filter { $0.hasPrefix(group + "-") }.count
                #expect(abs(Double(inFold) - Double(size) / 5) <= 1)
            }
            // The rows of a participant all land on the same side.
            let sides = fold.rows(participantOfRow: participants)
            #expect(sides[.training]!.count + sides[.test]!.count == participants.count)
            #expect(Set(sides[.training]!.map { participants[$0] }).isDisjoint(with: sides[.test]!.map { participants[$0] }))
        }
        // Every participant is tested exactly once; fold sizes differ by at most one.
        #expect(tested.count == everyone.count && Set(tested) == everyone)
        let sizes = folds.map(\.test.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func splitsAreFixedBySeedAndRowOrder() throws {
        let (participants, groups) = cohort()
        let a = try ParticipantSplit.stratifiedFolds(participants: participants, groups: groups, folds: 5, seed: 7)
        let b = try ParticipantSplit.stratifiedFolds(participants: participants.reversed(), groups: groups.reversed(), folds: 5, seed: 7)
        let c = try ParticipantSplit.stratifiedFolds(participants: participants, groups: groups, folds: 5, seed: 8)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func ratioSplitsFollowTheProportionsPerGroup() throws {
        let (participants, groups) = cohort()
        let split = try ParticipantSplit.stratified(participants: participants, groups: groups, ratio: SplitRatio("7:2")!, seed: 1)
        #expect(split.validation.isEmpty)
        #expect(split.training.count + split.test.count == 353)
        for (group, size) in [("MDD", 158), ("BD", 128), ("HC", 67)] {
            let test = split.test.filter { $0.hasPrefix(group + "-") }.count
            #expect(abs(Double(test) - Double(size) * 2 / 9) < 1)
        }
        #expect(Set(split.training).isDisjoint(with: split.test))
        let three = try ParticipantSplit.stratified(participants: participants, groups: groups, ratio: SplitRatio("7:2:1")!, seed: 1)
        #expect(three.training.count + three.validation.count + three.test.count == 353)
        #expect(abs(Double(three.validation.count) - 353 * 0.2) <= 3 && abs(Double(three.test.count) - 35.3) <= 3)
        #expect(Set(three.training).isDisjoint(with: three.validation) && Set(three.validation).isDisjoint(with: three.test))
        #expect(three.side(of: three.validation[0]) == .validation)
    }

    @Test func aParticipantOnTwoSidesIsRejected() {
        #expect(throws: SplitError.participantOnTwoSides("p2")) {
            try ParticipantSplit(training: ["p1", "p2"], test: ["p3", "p2"])
        }
        #expect(throws: SplitError.participantOnTwoSides("p1")) {
            try ParticipantSplit(training: ["p1"], validation: ["p1"], test: ["p3"])
        }
        #expect(throws: SplitError.inconsistentGroup(participant: "p1", groups: ["MDD", "HC"])) {
            try ParticipantSplit.stratifiedFolds(participants: ["p1", "p1", "p2"], groups: ["MDD", "HC", "HC"], folds: 2, seed: 0)
        }
        #expect(throws: SplitError.tooFewParticipants(count: 2, folds: 3)) {
            try ParticipantSplit.stratifiedFolds(participants: ["p1", "p2"], groups: ["MDD", "HC"], folds: 3, seed: 0)
        }
    }

    @Test func splitRatioParsing() {
        #expect(SplitRatio("7:2")?.description == "7:2")
        #expect(SplitRatio("7:2:1")?.validation == 2)
        #expect(SplitRatio("7") == nil && SplitRatio("7:0") == nil && SplitRatio("a:b") == nil && SplitRatio("7:-1:2") == nil)
    }
}
