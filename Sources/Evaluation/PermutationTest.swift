import FaceAtlasCore
import Numerics

/// The result of a label-permutation test.
public struct PermutationTestResult: Sendable, Equatable, Codable {
    /// The statistic on the true labels.
    public var observed: Double
    /// The number of shuffles.
    public var shuffles: Int
    /// The number of shuffles whose statistic was at least the observed one.
    public var atLeastObserved: Int
    /// p = (1 + #{shuffled ≥ observed}) / (1 + shuffles): never 0, valid at any number of shuffles.
    public var pValue: Double
}

/// A label-permutation test: how often does a statistic (an accuracy, an AUC) computed with randomly
/// shuffled labels reach the value it has with the true labels?
///
/// Labels are shuffled per participant; when the statistic involves fitting (cross-validation), the
/// closure must refit on the shuffled labels, so that the whole procedure is tested.
public enum PermutationTest {
    /// Runs `shuffles` permutations of `labels` (seeded) through `statistic`, larger meaning more extreme.
    public static func run<Label>(
        labels: [Label], shuffles: Int, seed: UInt64, statistic: ([Label]) throws -> Double
    ) rethrows -> PermutationTestResult {
        precondition(shuffles > 0, "a permutation test needs at least one shuffle")
        let observed = try statistic(labels)
        var generator = SeededGenerator(seed: seed)
        var atLeast = 0
        for _ in 0..<shuffles {
            // "At least" tolerates rounding, so that a shuffle reproducing the observed value counts.
            if try statistic(generator.shuffled(labels)) >= observed - 1e-12 { atLeast += 1 }
        }
        return PermutationTestResult(observed: observed, shuffles: shuffles, atLeastObserved: atLeast,
                                     pValue: Double(1 + atLeast) / Double(1 + shuffles))
    }

    /// `run(labels:shuffles:seed:statistic:)` with the shuffles evaluated on `threads` threads (all cores
    /// by default). The permutations are drawn in the same order, so the result equals the sequential one.
    /// Pass `observed` when the statistic on the true labels is already known, to skip recomputing it.
    /// The first error of any shuffle is rethrown once all have run.
    public static func runInParallel<Label: Sendable>(
        labels: [Label], shuffles: Int, seed: UInt64, threads: Int? = nil, observed known: Double? = nil,
        statistic: @Sendable ([Label]) throws -> Double
    ) throws -> PermutationTestResult {
        precondition(shuffles > 0, "a permutation test needs at least one shuffle")
        let observed = try known ?? statistic(labels)
        var generator = SeededGenerator(seed: seed)
        let permutations = (0..<shuffles).map { _ in generator.shuffled(labels) }
        let outcomes = Parallel.map(shuffles, threads: threads) { k in Result { try statistic(permutations[k]) } }
        let values = try outcomes.map { try $0.get() }
        let atLeast = values.filter { $0 >= observed - 1e-12 }.count
        return PermutationTestResult(observed: observed, shuffles: shuffles, atLeastObserved: atLeast,
                                     pValue: Double(1 + atLeast) / Double(1 + shuffles))
    }
}
