/// A classifier's answer for one held-out participant.
public struct ParticipantPrediction: Sendable, Equatable, Codable {
    /// The participant (pseudonym).
    public var participant: String
    /// The participant's true group.
    public var truth: String
    /// The predicted group, or nil when the classifier declined to decide ("indeterminate").
    public var predicted: String?
    /// The probability (or any score, higher meaning more likely) of each class, in the class order of
    /// the evaluation; used for the ROC curves and AUCs.
    public var probabilities: [Double]

    /// A prediction for `participant`.
    public init(participant: String, truth: String, predicted: String?, probabilities: [Double]) {
        self.participant = participant
        self.truth = truth
        self.predicted = predicted
        self.probabilities = probabilities
    }
}
