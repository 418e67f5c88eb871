import Foundation
import Numerics
import Testing
@testable import Evaluation

@Suite struct MetricsTests {
    @Test func confusionMatrixAndMetricsByHand() {
        let classes = ["MDD", "BD", "HC"]
        let truth = ["MDD", "MDD", "MDD", "MDD", "BD", "BD", "BD", "HC", "HC", "HC"]
        let predicted = ["MDD", "MDD", "BD", "HC", "BD", "BD", "MDD", "HC", "HC", "BD"]
        let matrix = ConfusionMatrix(classes: classes, truth: truth, predicted: predicted)
        #expect(matrix.counts == [[2, 1, 1], [1, 2, 0], [0, 1, 2]])
        #expect(matrix.total == 10 && matrix.correct == 6)
        let m = ClassificationMetrics(matrix)
        #expect(m.accuracy == 0.6)
        // MDD: TP 2, FP 1, FN 2, TN 5.
        let mdd = m.perClass[0]
        #expect(mdd.precision == 2.0 / 3 && mdd.recall == 0.5 && mdd.support == 4)
        #expect(abs(mdd.f1 - 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5)) < 1e-15)
        #expect(mdd.accuracy == 0.7)
        // BD: TP 2, FP 2, FN 1 → P 0.5, R 2/3; HC: TP 2, FP 1, FN 1 → P R 2/3.
        #expect(m.perClass[1].precision == 0.5 && m.perClass[1].recall == 2.0 / 3)
        #expect(m.perClass[2].precision == 2.0 / 3 && m.perClass[2].recall == 2.0 / 3)
        #expect(abs(m.macroPrecision - (2.0 / 3 + 0.5 + 2.0 / 3) / 3) < 1e-15)
        #expect(abs(m.macroRecall - (0.5 + 2.0 / 3 + 2.0 / 3) / 3) < 1e-15)
        // A class never predicted has precision 0, not NaN.
        let never = ClassificationMetrics(ConfusionMatrix(classes: ["a", "b"], truth: ["a", "b"], predicted: ["a", "a"]))
        #expect(never.perClass[1].precision == 0 && never.perClass[1].f1 == 0)
    }

    @Test func rocCurveAndAUC() throws {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        let curve = try #require(ROCCurve(scores: [0.1, 0.4, 0.35, 0.8], positives: [false, false, true, true]))
        #expect(abs(curve.auc - 0.75) < 1e-15)
        #expect(curve.falsePositiveRates == [0, 0, 0.5, 0.5, 1])
        #expect(curve.truePositiveRates == [0, 0.5, 0.5, 1, 1])
        // Perfect and reversed rankings.
        #expect(ROCCurve(scores: [1, 2, 3, 4], positives: [false, false, true, true])?.auc == 1)
        #expect(ROCCurve(scores: [4, 3, 2, 1], positives: [false, false, true, true])?.auc == 0)
        // All scores tied: one diagonal step, AUC ½.
        #expect(ROCCurve(scores: [7, 7, 7, 7, 7], positives: [true, false, true, false, false])?.auc == 0.5)
        // No negatives: undefined.
        #expect(ROCCurve(scores: [1, 2], positives: [true, true]) == nil)
    }

    @Test func aucEqualsTheMannWhitneyProbabilityWithTies() throws {
        var generator = SeededGenerator(seed: 11)
        // Rounded scores create many ties.
        let positives = (0..<40).map { _ in (generator.nextGaussian() + 0.8).rounded() }
        let negatives = (0..<55).map { _ in generator.nextGaussian().rounded() }
        let curve = try #require(ROCCurve(scores: positives + negatives, positives: positives.map { _ in true } + negatives.map { _ in false }))
        let u = HypothesisTests.mannWhitneyU(positives, negatives).u
        #expect(abs(curve.auc - u / Double(positives.count * negatives.count)) < 1e-12)
        // One-vs-rest picks each class's column.
        let curves = ROCCurve.oneVsRest(probabilities: [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], truth: [0, 1, 1], classCount: 2)
        #expect(curves[0]?.auc == 1 && curves[1]?.auc == 1)
    }

    @Test func bootstrapIntervalOfAMeanHasTheTextbookWidth() throws {
        var generator = SeededGenerator(seed: 5)
        let values = (0..<400).map { _ in 2 + 3 * generator.nextGaussian() }
        let bootstrap = ParticipantBootstrap(participantOfRow: values.indices.map { "p\($0)" }, resamples: 1000, seed: 9)
        let interval = try #require(bootstrap.interval { rows in rows.reduce(0) { $0 + values[$1] } / Double(rows.count) })
        let mean = Statistics.mean(values), se = Statistics.standardDeviation(values) / 20
        #expect(interval.contains(mean))
        // The 95% percentile interval is close to mean ± 1.96 SE.
        #expect(abs((interval.upper - interval.lower) - 2 * 1.96 * se) < 0.15 * 2 * 1.96 * se)
        // Same seed, same interval; another seed, another.
        let again = ParticipantBootstrap(participantOfRow: values.indices.map { "p\($0)" }, resamples: 1000, seed: 9)
            .interval { rows in rows.reduce(0) { $0 + values[$1] } / Double(rows.count) }
        #expect(again == interval)
    }

    @Test func bootstrapKeepsAParticipantsRowsTogether() {
        // Two rows per participant: every resample holds both rows of each drawn participant.
        let participantOfRow = (0..<30).flatMap { ["p\($0)", "p\($0)"] }
        let bootstrap = ParticipantBootstrap(participantOfRow: participantOfRow, resamples: 50, seed: 1)
        #expect(bootstrap.participantCount == 30)
        for rows in bootstrap.resampledRows() {
            #expect(rows.count == 60)
            var counts: [String: Int] = [:]
            for r in rows { counts[participantOfRow[r], default: 0] += 1 }
            #expect(counts.values.allSatisfy { $0 % 2 == 0 })
        }
    }

    @Test func permutationTestPValue() throws {
        let labels = (0..<30).map { $0 < 15 ? "A" : "B" }
        // A statistic that only the true order reaches: p = 1 / (1 + N).
        let exact = PermutationTest.run(labels: labels, shuffles: 199, seed: 3) { shuffled in
            Double(zip(shuffled, labels).filter { $0 == $1 }.count)
        }
        #expect(exact.observed == 30 && exact.atLeastObserved == 0 && exact.pValue == 1.0 / 200)
        // A statistic that ignores the labels: every shuffle ties, p = 1.
        let constant = PermutationTest.run(labels: labels, shuffles: 99, seed: 3) { _ in 0.5 }
        #expect(constant.pValue == 1)
        // The parallel version draws the same permutations.
        // (Alternating labels: the first ten hold five A, a typical value, so some shuffles reach it and some do not.)
        let alternating = (0..<30).map { $0 % 2 == 0 ? "A" : "B" }
        let statistic: @Sendable ([String]) -> Double = { shuffled in Double(shuffled.prefix(10).filter { $0 == "A" }.count) }
        let sequential = PermutationTest.run(labels: alternating, shuffles: 99, seed: 5, statistic: statistic)
        let parallel = try PermutationTest.runInParallel(labels: alternating, shuffles: 99, seed: 5, threads: 2, statistic: statistic)
        #expect(parallel == sequential)
        #expect(sequential.observed == 5 && sequential.atLeastObserved > 20 && sequential.atLeastObserved < 90)
        // A failing shuffle fails the test instead of counting silently.
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try PermutationTest.runInParallel(labels: alternating, shuffles: 9, seed: 5, threads: 2) { shuffled in
                if shuffled == alternating { return 1 }
                throw Failure()
            }
        }
    }
}
