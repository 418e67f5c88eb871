import FaceAtlasCore
import Numerics

/// How participants are divided for an evaluation.
public enum EvaluationDesign: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Stratified k-fold cross-validation by participant: every participant is tested once.
    case folds(Int)
    /// One stratified split by participant ("7:2" or "7:2:1"); only the test side is scored, and the
    /// validation side, if any, is left out of fitting and scoring.
    case split(SplitRatio)

    public var description: String {
        switch self {
        case .folds(let k): return "\(k)-fold cross-validation stratified by group, split by participant"
        case .split(let ratio): return "one \(ratio) split (training:\(ratio.validation > 0 ? "validation:" : "")test) stratified by group, by participant"
        }
    }

    /// The splits of this design for `participants` in `groups`.
    public func splits(participants: [String], groups: [String], seed: UInt64) throws -> [ParticipantSplit] {
        switch self {
        case .folds(let k): return try ParticipantSplit.stratifiedFolds(participants: participants, groups: groups, folds: k, seed: seed)
        case .split(let ratio): return [try ParticipantSplit.stratified(participants: participants, groups: groups, ratio: ratio, seed: seed)]
        }
    }
}

/// A classification method's answer for one test participant.
public struct MethodAnswer: Sendable, Equatable {
    /// The predicted class, or nil for "indeterminate".
    public var predicted: String?
    /// The probability (score) of each class, in the evaluation's class order.
    public var probabilities: [Double]

    /// An answer.
    public init(predicted: String?, probabilities: [Double]) {
        self.predicted = predicted
        self.probabilities = probabilities
    }
}

/// Runs a whole evaluation of a classification method over participant-level data: splits by participant,
/// out-of-sample predictions, metrics with bootstrap intervals and a label-permutation test that repeats
/// everything (splits, fitting, prediction) on shuffled labels.
public struct Evaluator: Sendable {
    /// The method's name for the report.
    public var method: String
    /// The class labels, in the order of the methods' probabilities.
    public var classes: [String]
    /// How participants are divided.
    public var design: EvaluationDesign
    /// The seed of the splits, bootstrap and permutations.
    public var seed: UInt64
    /// Bootstrap resamples for the intervals.
    public var bootstrapResamples = 2000
    /// Label shuffles for the permutation test (0: no test).
    public var permutations = 0
    /// Threads for the permutation test (all cores when nil).
    public var threads: Int?

    /// An evaluator of `method` over `classes`.
    public init(method: String, classes: [String], design: EvaluationDesign, seed: UInt64) {
        self.method = method
        self.classes = classes
        self.design = design
        self.seed = seed
    }

    /// Evaluates a method on one row per participant: the summary and the out-of-sample predictions.
    ///
    /// `fitAndPredict(training, test, labels)` must fit on the `training` rows using `labels` (which are
    /// shuffled during the permutation test) and answer for each `test` row, in order. It never sees a
    /// test participant's label through `training`, since the splits are by participant. `progress`, if
    /// given, advances once for the evaluation and once per permutation.
    public func evaluate(
        participants: [String], labels: [String], progress: ProgressReporter? = nil,
        fitAndPredict: @escaping @Sendable (_ training: [Int], _ test: [Int], _ labels: [String]) throws -> [MethodAnswer]
    ) throws -> (summary: EvaluationSummary, predictions: [ParticipantPrediction]) {
        precondition(participants.count == labels.count, "one label per participant")
        precondition(Set(participants).count == participants.count, "the evaluator takes one row per participant")
        for label in Set(labels) where !classes.contains(label) {
            throw UsageError("the label \(label) is not one of the classes \(classes.joined(separator: ", "))")
        }
        let predictions = try outOfSamplePredictions(participants: participants, labels: labels, fitAndPredict: fitAndPredict)
        progress?.advance()
        var permutationTest: PermutationTestResult?
        if permutations > 0 {
            let observed = Self.accuracy(predictions)
            let shuffledAccuracy: @Sendable ([String]) throws -> Double = { [self] shuffled in
                defer { progress?.advance() }
                return Self.accuracy(try outOfSamplePredictions(participants: participants, labels: shuffled, fitAndPredict: fitAndPredict))
            }
            // The shuffles run in parallel over small matrices: OpenBLAS threads on top would only spin.
            BLASThreads.useSingleThread()
            // The permutations use the next seed, so that they are not the generator states of the splits.
            permutationTest = try PermutationTest.runInParallel(labels: labels, shuffles: permutations, seed: seed &+ 1, threads: threads,
                                                            observed: observed, statistic: shuffledAccuracy)
        }
        let summary = EvaluationSummary(method: method, design: design.description, classes: classes, predictions: predictions,
                                        bootstrapResamples: bootstrapResamples, seed: seed, permutationTest: permutationTest)
        return (summary, predictions)
    }

    /// The predictions for every test participant of the design's splits.
    func outOfSamplePredictions(
        participants: [String], labels: [String],
        fitAndPredict: (_ training: [Int], _ test: [Int], _ labels: [String]) throws -> [MethodAnswer]
    ) throws -> [ParticipantPrediction] {
        let splits = try design.splits(participants: participants, groups: labels, seed: seed)
        return try CrossValidation.predictions(splits: splits, participantOfRow: participants) { training, test in
            let answers = try fitAndPredict(training, test, labels)
            precondition(answers.count == test.count, "the method answered \(answers.count) of \(test.count) test participants")
            return zip(test, answers).map { row, answer in
                precondition(answer.probabilities.count == classes.count, "the method gave \(answer.probabilities.count) probabilities for \(classes.count) classes")
                return ParticipantPrediction(participant: participants[row], truth: labels[row], predicted: answer.predicted,
                                             probabilities: answer.probabilities)
            }
        }
    }

    /// The share of decided predictions that are correct (0 when none is decided).
    static func accuracy(_ predictions: [ParticipantPrediction]) -> Double {
        let decided = predictions.filter { $0.predicted != nil }
        return decided.isEmpty ? 0 : Double(decided.filter { $0.predicted == $0.truth }.count) / Double(decided.count)
    }
}
