/// Out-of-sample predictions over participant splits.
public enum CrossValidation {
    /// Runs `fitAndPredict` once per split with the row indices of its training and test participants
    /// (rows labelled by `participantOfRow`) and concatenates the predictions it returns for the test rows.
    ///
    /// The rows handed to `fitAndPredict` never share a participant between training and test (checked
    /// here as well as by the split), and validation rows, if any, are not passed: tune on the training rows.
    public static func predictions(
        splits: [ParticipantSplit], participantOfRow: [String],
        _ fitAndPredict: (_ training: [Int], _ test: [Int]) throws -> [ParticipantPrediction]
    ) rethrows -> [ParticipantPrediction] {
        var result: [ParticipantPrediction] = []
        for split in splits {
            let rows = split.rows(participantOfRow: participantOfRow)
            let training = rows[.training]!, test = rows[.test]!
            precondition(Set(training.map { participantOfRow[$0] }).isDisjoint(with: test.map { participantOfRow[$0] }),
                         "a participant is on both sides of a split")
            result += try fitAndPredict(training, test)
        }
        return result
    }
}
