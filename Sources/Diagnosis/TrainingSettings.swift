/// How a diagnoser is trained; the defaults are the Emoface paper's.
public struct TrainingSettings: Codable, Sendable, Equatable {
    /// Which samples relabeling changes.
    public enum RelabelScope: String, Codable, Sendable, CaseIterable {
        /// Only samples whose highest probability exceeds their label's by more than the margin
        /// (Self-Cure Network and the paper's description).
        case confident
        /// Every sample of the batch gets its most probable class once relabeling has started, as
        /// the Emoface reference code does (it applies the margin test to the batch as a whole).
        case wholeBatch = "whole-batch"
    }

    public var epochs = 70
    public var batchSize = 64
    public var learningRate: Float = 0.01
    public var momentum: Float = 0.9
    public var weightDecay: Float = 1e-4
    public var nesterov = false
    /// Learning-rate decay per epoch (exponential).
    public var gamma: Float = 0.9
    /// The share of each batch in the high-attention group of rank regularization.
    public var beta: Float = 0.7
    /// The margin between the high and low groups' mean attention.
    public var rankMargin: Float = 0.05
    /// The first epoch (0-based) in which samples are relabeled.
    public var relabelEpoch = 10
    /// How far the highest probability must exceed the label's for a relabel.
    public var relabelMargin: Float = 0.2
    public var relabelScope = RelabelScope.confident
    /// Seed of shuffling, augmentation and initialization.
    public var seed: UInt64 = 1

    /// The paper's settings.
    public init() {}
}
