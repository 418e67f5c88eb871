import Atlas
import FaceAtlasCore
import FaceModel
import Foundation
import Matching
import Numerics

/// Honest out-of-sample evaluation of a classification method on a cohort: participant-level
/// stratified splits; for every split the atlas, the standardizer, the references, the temperature
/// and any threshold are fitted on the training participants only; the permutation test refits the
/// whole procedure on shuffled participant labels.
public struct CohortEvaluation: Sendable {
    /// The classification method.
    public enum Method: String, Sendable, CaseIterable {
        /// Cosine similarity of dynamics embeddings to the groups' references (`DynamicsMatcher`).
        case matcher
        /// Multinomial logistic regression on the regional and organ motion energies.
        case biomarker
    }

    /// How participants are split.
    public typealias Design = EvaluationDesign

    public let model: FaceModel
    public let modelID: String
    public let method: Method
    public let design: Design
    public let seed: UInt64
    public var referenceMode: DynamicsMatcher.ReferenceMode = .standardFace
    /// Indeterminate answers below the margin chosen for this training error rate (nil: always decide).
    public var targetErrorRate: Double?
    /// L2 weight of the logistic regression.
    public var l2 = 1.0
    public var bootstrapResamples = 2000
    public var permutations = 0

    public init(model: FaceModel, modelID: String, method: Method, design: Design, seed: UInt64) {
        self.model = model
        self.modelID = modelID
        self.method = method
        self.design = design
        self.seed = seed
    }

    /// The evaluation of `recordings` (read by `AtlasBuilder.readRecordings`) listed in `manifest`.
    public func run(_ manifest: CohortManifest, recordings: [AtlasBuilder.Recording],
                    progress: ProgressReporter? = nil) throws -> (summary: EvaluationSummary, predictions: [ParticipantPrediction]) {
        let participants = ParticipantRecordings.grouped(recordings)
        let groups = manifest.groups.filter { g in participants.contains { $0.group == g } }
        guard groups.count >= 2 else { throw UsageError("evaluation needs at least two groups with participants") }
        let stimuli = manifest.stimuli
        let names = participants.map(\.participant)
        let labels = participants.map { $0.group! }

        // Label-independent features are computed once.
        let dynamics = DynamicsEncoder(model: model, stimuli: stimuli)
        let biomarkers = BiomarkerEncoder(model: model, stimuli: stimuli)
        let features: [[Double]]
        switch method {
        case .matcher: features = try dynamics.embeddings(of: participants)
        case .biomarker: features = try biomarkers.embeddings(of: participants)
        }
        let recordingsOf = Dictionary(grouping: recordings.indices, by: { recordings[$0].entry.subject })

        // Everything fitted below sees only the training participants of a split, under the labels given
        // (the true ones, or shuffled ones in the permutation test).
        let predict: @Sendable (_ training: [Int], _ test: [Int], _ labels: [String]) throws -> [MethodAnswer] = { [self] training, test, labels in
            let trainingGroups = groups.filter { g in training.contains { labels[$0] == g } }
            switch method {
            case .biomarker:
                let x = DynamicsMatcher.imputedRows(training.map { features[$0] })
                let standardizer = Standardizer(fitting: x.rows)
                let classifier = try LogisticRegressionClassifier(fitting: standardizer.transform(x.rows), labels: training.map { labels[$0] }, l2: l2)
                return test.map { i in
                    let row = standardizer.transform(features[i].indices.map { features[i][$0].isFinite ? features[i][$0] : x.means[$0] })
                    let p = classifier.probabilities(of: row)
                    let ordered = groups.map { g in classifier.classes.firstIndex(of: g).map { p[$0] } ?? 0 }
                    return MethodAnswer(predicted: classifier.predict(row), probabilities: ordered)
                }
            case .matcher:
                // The atlas of the training participants (under these labels) gives the standard faces.
                var faces: [String: ParticipantRecordings] = [:]
                if referenceMode == .standardFace {
                    let rows = training.flatMap { recordingsOf[names[$0]] ?? [] }
                    var subset = rows.map { recordings[$0] }
                    for k in subset.indices { subset[k].entry.group = labels[names.firstIndex(of: subset[k].entry.subject)!] }
                    let trainingManifest = try CohortManifest(entries: subset.map(\.entry))
                    let atlas = try AtlasBuilder(model: model, modelID: modelID, modelSHA256: "").build(trainingManifest, recordings: subset)
                    faces = ParticipantRecordings.standardFaces(atlas)
                }
                let matcher = try DynamicsMatcher.train(encoder: dynamics, modelID: modelID, rawEmbeddings: training.map { features[$0] },
                                                        labels: training.map { labels[$0] }, standardFaces: faces,
                                                        groups: trainingGroups, mode: referenceMode, targetErrorRate: targetErrorRate)
                return test.map { i in
                    let result = matcher.matcher.match(matcher.standardized(features[i]))
                    let ordered = groups.map { g in result.labels.firstIndex(of: g).map { result.probabilities[$0] } ?? 0 }
                    return MethodAnswer(predicted: result.predicted, probabilities: ordered)
                }
            }
        }

        var evaluator = Evaluator(
            method: method == .matcher ? "matcher (dynamics encoder, \(referenceMode.rawValue) references)" : "biomarker (logistic regression on motion energies)",
            classes: groups, design: design, seed: seed)
        evaluator.bootstrapResamples = bootstrapResamples
        evaluator.permutations = permutations
        let (summary, predictions) = try evaluator.evaluate(participants: names, labels: labels, progress: progress, fitAndPredict: predict)
        return (summary, predictions)
    }
}
