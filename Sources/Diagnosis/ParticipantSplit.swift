import FaceAtlasCore
import Numerics

/// A split of a dataset by participant into training, validation and test sets: all frames of a
/// participant go to one side.
public struct ParticipantSplit: Sendable {
    public var train: FrameDataset
    public var validation: FrameDataset
    public var test: FrameDataset

    /// Splits `dataset` by participant in the proportions `ratios` (train, validation, test; 7:2:1 by
    /// default), within each class so that the classes keep their shares, shuffled by `seed`.
    /// - Throws: `UsageError` for ratios that are not positive, or a participant with frames of two classes.
    public init(_ dataset: FrameDataset, ratios: (Double, Double, Double) = (7, 2, 1), seed: UInt64 = 1) throws {
        let total = ratios.0 + ratios.1 + ratios.2
        guard ratios.0 > 0, ratios.1 >= 0, ratios.2 >= 0, total > 0 else {
            throw UsageError("split ratios must be non-negative with a positive training share")
        }
        var classOf: [String: Int] = [:]
        for frame in dataset.frames {
            if let other = classOf[frame.participant], other != frame.label {
                throw UsageError("participant '\(frame.participant)' has frames of two classes (\(dataset.classes[other]) and \(dataset.classes[frame.label]))")
            }
            classOf[frame.participant] = frame.label
        }
        var generator = SeededGenerator(seed: seed)
        var side: [String: Int] = [:]
        for label in dataset.classes.indices {
            var people = dataset.participants.filter { classOf[$0] == label }
            people.shuffle(using: &generator)
            let n = Double(people.count)
            let trainCount = Int((n * ratios.0 / total).rounded())
            let validationCount = Int((n * (ratios.0 + ratios.1) / total).rounded()) - trainCount
            for (i, person) in people.enumerated() {
                side[person] = i < trainCount ? 0 : (i < trainCount + validationCount ? 1 : 2)
            }
        }
        func part(_ s: Int) -> FrameDataset {
            FrameDataset(classes: dataset.classes, frames: dataset.frames.filter { side[$0.participant] == s })
        }
        train = part(0)
        validation = part(1)
        test = part(2)
        try Self.checkDisjoint(train, validation, test)
    }

    /// Refuses datasets that share a participant.
    /// - Throws: `UsageError` naming a participant found on two sides.
    public static func checkDisjoint(_ sets: FrameDataset...) throws {
        var owner: [String: Int] = [:]
        for (index, set) in sets.enumerated() {
            for person in set.participants {
                if let other = owner[person], other != index {
                    throw UsageError("participant '\(person)' has frames on two sides of the split")
                }
                owner[person] = index
            }
        }
    }
}
