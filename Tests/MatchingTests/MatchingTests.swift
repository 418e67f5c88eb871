import Foundation
import Numerics
import Testing
@testable import Evaluation
@testable import Matching

/// A synthetic cohort of embeddings: three groups whose means differ by `separation` (in units of the
/// within-group SD) along a few components, on top of a shared offset and pure-noise components.
struct SyntheticCohort {
    static let groups = ["BD", "HC", "MDD"]
    var participants: [String] = []
    var labels: [String] = []
    var embeddings: [[Double]] = []

    init(perGroup: Int, dimension: Int = 12, separation: Double, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let offset = (0..<dimension).map { _ in 3 * generator.nextGaussian() }
        // Group means differ in the first four components only; the rest is noise.
        let means = Self.groups.map { _ in (0..<dimension).map { j in j < 4 ? separation * generator.nextGaussian() : 0 } }
        for (g, group) in Self.groups.enumerated() {
            for i in 0..<perGroup {
                participants.append("\(group)-\(i)")
                labels.append(group)
                embeddings.append((0..<dimension).map { j in offset[j] + means[g][j] + 1.5 * generator.nextGaussian() })
            }
        }
    }
}

/// Cross-validated predictions of a method over 5 stratified participant folds.
func crossValidated(
    _ cohort: SyntheticCohort, labels: [String], seed: UInt64,
    _ method: (_ training: [[Double]], _ trainingLabels: [String], _ test: [[Double]]) throws -> [(predicted: String?, probabilities: [Double])]
) throws -> [ParticipantPrediction] {
    let folds = try ParticipantSplit.stratifiedFolds(participants: cohort.participants, groups: labels, folds: 5, seed: seed)
    return try CrossValidation.predictions(splits: folds, participantOfRow: cohort.participants) { training, test in
        let answers = try method(training.map { cohort.embeddings[$0] }, training.map { labels[$0] }, test.map { cohort.embeddings[$0] })
        return zip(test, answers).map { row, answer in
            ParticipantPrediction(participant: cohort.participants[row], truth: labels[row], predicted: answer.predicted,
                                  probabilities: answer.probabilities)
        }
    }
}

func matcherMethod(_ training: [[Double]], _ labels: [String], _ test: [[Double]]) -> [(predicted: String?, probabilities: [Double])] {
    let standardizer = Standardizer(fitting: training)
    let matcher = CosineMatcher.trained(embeddings: standardizer.transform(training), labels: labels, groups: SyntheticCohort.groups)
    return standardizer.transform(test).map { let m = matcher.match($0); return (m.predicted, m.probabilities) }
}

func logisticMethod(_ training: [[Double]], _ labels: [String], _ test: [[Double]]) throws -> [(predicted: String?, probabilities: [Double])] {
    let classifier = try LogisticRegressionClassifier(fitting: training, labels: labels, l2: 1)
    #expect(classifier.classes == SyntheticCohort.groups)
    return test.map { (classifier.predict($0), classifier.probabilities(of: $0)) }
}

func accuracy(_ predictions: [ParticipantPrediction]) -> Double {
    Double(predictions.filter { $0.predicted == $0.truth }.count) / Double(predictions.count)
}

@Suite struct MatchingTests {
    @Test func cosineAndSoftmax() {
        #expect(CosineMatcher.cosine([1, 0], [0, 2]) == 0)
        #expect(abs(CosineMatcher.cosine([1, 1], [2, 2]) - 1) < 1e-15)
        #expect(CosineMatcher.cosine([0, 0], [1, 2]) == 0)
        let p = CosineMatcher.softmax([0.9, 0.1, 0.5], temperature: 0.2)
        #expect(abs(p.reduce(0, +) - 1) < 1e-15 && p[0] > p[2] && p[2] > p[1])
        #expect(abs(p[0] / p[1] - exp(0.8 / 0.2)) < 1e-9)
        let matcher = CosineMatcher(labels: ["A", "B"], references: [[1, 0], [0, 1]], marginThreshold: 0.2)
        let clear = matcher.match([1, 0.1])
        #expect(clear.predicted == "A" && clear.best == "A" && clear.margin > 0.8)
        let close = matcher.match([1, 0.95])
        #expect(close.predicted == nil && close.best == "A")
    }

    @Test func temperatureFitRecoversTheGeneratingTemperature() {
        var generator = SeededGenerator(seed: 21)
        var similarities: [[Double]] = [], truth: [Int] = []
        for _ in 0..<3000 {
            let s = (0..<3).map { _ in generator.nextUniform() * 2 - 1 }
            let p = CosineMatcher.softmax(s, temperature: 0.25)
            let u = generator.nextUniform()
            truth.append(u < p[0] ? 0 : (u < p[0] + p[1] ? 1 : 2))
            similarities.append(s)
        }
        let t = CosineMatcher.fittedTemperature(similarities: similarities, truth: truth)
        #expect(abs(t - 0.25) < 0.03, "fitted temperature \(t)")
    }

    @Test func marginThresholdMeetsTheTargetErrorRate() {
        var generator = SeededGenerator(seed: 8)
        var similarities: [[Double]] = [], truth: [Int] = []
        for _ in 0..<400 {
            let y = generator.nextIndex(below: 3)
            similarities.append((0..<3).map { ($0 == y ? 0.3 : 0) + 0.3 * generator.nextGaussian() })
            truth.append(y)
        }
        let margins = similarities.map { s in let t = s.sorted(by: >); return t[0] - t[1] }
        let correct = zip(similarities, truth).map { s, y in s.indices.max { s[$0] < s[$1] } == y }
        var previous = 0.0
        for target in [0.25, 0.15, 0.05] {
            let threshold = CosineMatcher.marginThreshold(similarities: similarities, truth: truth, targetErrorRate: target)
            let decided = margins.indices.filter { margins[$0] >= threshold }
            let errors = decided.filter { !correct[$0] }.count
            #expect(!decided.isEmpty && Double(errors) <= target * Double(decided.count))
            // Maximal coverage: the next lower margin would break the target.
            if let lower = margins.filter({ $0 < threshold }).max() {
                let more = margins.indices.filter { margins[$0] >= lower }
                #expect(Double(more.filter { !correct[$0] }.count) > target * Double(more.count) || threshold == 0)
            }
            // Stricter targets need larger margins.
            #expect(threshold >= previous)
            previous = threshold
        }
    }

    @Test func standardizerUsesTrainingStatisticsOnly() {
        let training: [[Double]] = [[1, 5], [3, 5], [5, 5]]
        let s = Standardizer(fitting: training)
        #expect(s.means == [3, 5] && s.standardDeviations == [2, 1])
        #expect(s.transform([7, 9]) == [2, 4])
        #expect(s.transform(training).map { $0[0] } == [-1, 0, 1])
    }

    @Test func logisticRegressionSatisfiesItsOptimalityConditions() throws {
        let cohort = SyntheticCohort(perGroup: 40, dimension: 6, separation: 1.2, seed: 3)
        let lambda = 2.0
        let model = try LogisticRegressionClassifier(fitting: cohort.embeddings, labels: cohort.labels, l2: lambda)
        #expect(model.iterations < 30)
        // ∂/∂w_c = Σᵢ (p_ic − y_ic) zᵢ + λ w_c = 0 and ∂/∂b_c = Σᵢ (p_ic − y_ic) ≈ 0 at the optimum.
        let z = model.standardizer.transform(cohort.embeddings)
        for c in model.classes.indices {
            var gradient = [Double](repeating: 0, count: 6), interceptGradient = 0.0
            for (i, row) in cohort.embeddings.enumerated() {
                let r = model.probabilities(of: row)[c] - (cohort.labels[i] == model.classes[c] ? 1 : 0)
                interceptGradient += r
                for j in 0..<6 { gradient[j] += r * z[i][j] }
            }
            for j in 0..<6 { #expect(abs(gradient[j] + lambda * model.weights[c][j]) < 1e-6) }
            #expect(abs(interceptGradient) < 1e-6)
        }
        // A larger penalty shrinks the weights.
        let stiff = try LogisticRegressionClassifier(fitting: cohort.embeddings, labels: cohort.labels, l2: 200)
        #expect(stiff.weights.joined().map(abs).max()! < model.weights.joined().map(abs).max()!)
        #expect(throws: ClassifierError.needsTwoClasses) {
            try LogisticRegressionClassifier(fitting: [[1], [2]], labels: ["A", "A"])
        }
    }

    @Test func matcherAndLogisticRegressionScoreWellAboveChance() throws {
        let cohort = SyntheticCohort(perGroup: 50, separation: 1.6, seed: 12)
        for (name, method) in [("matcher", matcherMethod as ([[Double]], [String], [[Double]]) throws -> [(predicted: String?, probabilities: [Double])]),
                               ("biomarker", logisticMethod)] {
            let predictions = try crossValidated(cohort, labels: cohort.labels, seed: 5, method)
            #expect(predictions.count == 150 && Set(predictions.map(\.participant)).count == 150)
            let summary = EvaluationSummary(method: name, design: "5-fold", classes: SyntheticCohort.groups,
                                            predictions: predictions, bootstrapResamples: 300, seed: 1)
            #expect(summary.accuracy.value > 0.7, "\(name) accuracy \(summary.accuracy.value)")
            #expect(try #require(summary.accuracy.interval).lower > 0.5)
            #expect(try #require(summary.macroAUC).value > 0.85)
            // The whole cross-validation on shuffled labels never reaches the true accuracy.
            let test = try PermutationTest.run(labels: cohort.labels, shuffles: 19, seed: 2) { shuffled in
                accuracy(try crossValidated(cohort, labels: shuffled, seed: 5, method))
            }
            #expect(test.pValue == 1.0 / 20)
        }
    }

    @Test func shuffledLabelsGiveChanceAccuracyAndNoSignificance() throws {
        // Under shuffled labels a permutation test is "significant" in 1 case in 20 by construction, and the
        // participant bootstrap of out-of-fold predictions (which leaves out the variability of refitting)
        // covers chance in about 86% of shuffles here (measured over 160 shuffles; the cross-validated
        // accuracy's SD under shuffling is 0.048, the bootstrap's 0.038). So the checks run over independent
        // shuffles and allow misses at those rates: P(≤ 9 of 16 covered) ≈ 0.004, P(≤ 5 of 8 not significant) ≈ 0.006.
        let cohort = SyntheticCohort(perGroup: 50, separation: 1.6, seed: 12)
        var generator = SeededGenerator(seed: 99)
        for (name, method) in [("matcher", matcherMethod as ([[Double]], [String], [[Double]]) throws -> [(predicted: String?, probabilities: [Double])]),
                               ("biomarker", logisticMethod)] {
            var containsChance = 0, notSignificant = 0, meanAccuracy = 0.0
            for round in 0..<16 {
                let shuffled = generator.shuffled(cohort.labels)
                let predictions = try crossValidated(cohort, labels: shuffled, seed: 5, method)
                let summary = EvaluationSummary(method: name, design: "5-fold, shuffled labels", classes: SyntheticCohort.groups,
                                                predictions: predictions, bootstrapResamples: 300, seed: 1)
                if try #require(summary.accuracy.interval).contains(1.0 / 3) { containsChance += 1 }
                meanAccuracy += summary.accuracy.value / 16
                guard round < 8 else { continue }
                let test = try PermutationTest.run(labels: shuffled, shuffles: 19, seed: UInt64(round)) { labels in
                    accuracy(try crossValidated(cohort, labels: labels, seed: 5, method))
                }
                if test.pValue > 0.05 { notSignificant += 1 }
            }
            #expect(containsChance >= 10, "\(name): the accuracy interval contained 1/3 in \(containsChance) of 16 shuffles")
            #expect(notSignificant >= 6, "\(name): the permutation test was not significant in \(notSignificant) of 8 shuffles")
            #expect(abs(meanAccuracy - 1.0 / 3) < 0.05, "\(name): mean accuracy \(meanAccuracy) under shuffled labels")
        }
    }

    @Test func trainedMatcherIndeterminateRateFollowsTheTarget() {
        let cohort = SyntheticCohort(perGroup: 60, separation: 0.8, seed: 30)
        let s = Standardizer(fitting: cohort.embeddings)
        let open = CosineMatcher.trained(embeddings: s.transform(cohort.embeddings), labels: cohort.labels)
        let strict = CosineMatcher.trained(embeddings: s.transform(cohort.embeddings), labels: cohort.labels, targetErrorRate: 0.1)
        #expect(open.marginThreshold == 0 && strict.marginThreshold > 0)
        #expect(open.labels == SyntheticCohort.groups && open.temperature > 0)
        let undecided = s.transform(cohort.embeddings).filter { strict.match($0).predicted == nil }.count
        #expect(undecided > 0 && undecided < cohort.embeddings.count)
        // External references (standard faces) keep their vectors; only T and the threshold are fitted.
        let external = CosineMatcher(labels: strict.labels, references: strict.references)
        let calibrated = external.calibrated(embeddings: s.transform(cohort.embeddings), labels: cohort.labels, targetErrorRate: 0.1)
        #expect(calibrated.references == strict.references && calibrated.temperature != 1 && calibrated.marginThreshold > 0)
    }
}

@Suite struct EvaluatorWithMatchingTests {
    @Test func evaluatorRunsTheMatcherAndTheClassifierEndToEnd() throws {
        let cohort = SyntheticCohort(perGroup: 40, separation: 1.6, seed: 12)
        let embeddings = cohort.embeddings
        let matcher: @Sendable ([Int], [Int], [String]) throws -> [MethodAnswer] = { training, test, labels in
            let answers = matcherMethod(training.map { embeddings[$0] }, training.map { labels[$0] }, test.map { embeddings[$0] })
            return answers.map { MethodAnswer(predicted: $0.predicted, probabilities: $0.probabilities) }
        }
        let logistic: @Sendable ([Int], [Int], [String]) throws -> [MethodAnswer] = { training, test, labels in
            let model = try LogisticRegressionClassifier(fitting: training.map { embeddings[$0] }, labels: training.map { labels[$0] })
            return test.map { MethodAnswer(predicted: model.predict(embeddings[$0]), probabilities: model.probabilities(of: embeddings[$0])) }
        }
        for (name, method) in [("matcher", matcher), ("biomarker", logistic)] {
            var evaluator = Evaluator(method: name, classes: SyntheticCohort.groups, design: .folds(5), seed: 3)
            evaluator.bootstrapResamples = 200
            evaluator.permutations = 19
            let summary = try evaluator.evaluate(participants: cohort.participants, labels: cohort.labels, fitAndPredict: method).summary
            #expect(summary.participants == 120 && summary.accuracy.value > 0.7)
            #expect(summary.permutationTest?.pValue == 1.0 / 20)
            #expect(summary.design.hasPrefix("5-fold"))

            // A 7:2 split scores the test side only: 2/9 of each group of 40 (8.9 → 9 or 8).
            let split = Evaluator(method: name, classes: SyntheticCohort.groups, design: .split(SplitRatio("7:2")!), seed: 3)
            let held = try split.evaluate(participants: cohort.participants, labels: cohort.labels, fitAndPredict: method).summary
            #expect(held.participants >= 24 && held.participants <= 30 && held.accuracy.value > 0.6)
        }
    }
}
