import NeuralNet

/// The training loss of Self-Cure Network: cross-entropy of α × logits plus rank regularization
/// of the attention weights, with the gradients of both.
public struct SelfCureLoss {
    /// Cross-entropy (mean over the batch).
    public var crossEntropy: Float
    /// max(0, margin − (mean α of the high group − mean α of the low group)).
    public var rankRegularization: Float
    /// softmax of the logits, `[N, classes]`.
    public var probabilities: Tensor
    /// ∂loss/∂logits.
    public var logitGradient: Tensor
    /// ∂loss/∂α from rank regularization.
    public var attentionGradient: [Float]

    /// The total loss.
    public var total: Float { crossEntropy + rankRegularization }

    /// Evaluates the loss of a batch: the images sorted by α, the top `beta` share (rounded down, as
    /// Self-Cure Network) form the high group, the rest the low group.
    public init(output: Diagnoser.Output, labels: [Int], beta: Float, margin: Float) {
        let ce = SoftmaxCrossEntropy(logits: output.logits, labels: labels)
        crossEntropy = ce.loss
        probabilities = ce.probabilities
        logitGradient = ce.gradient
        let n = labels.count
        let high = Int(Float(n) * beta)
        attentionGradient = [Float](repeating: 0, count: n)
        rankRegularization = 0
        guard high > 0 && high < n else { return }
        let order = (0..<n).sorted { output.attention[$0] > output.attention[$1] }
        let highMean = order[..<high].map { output.attention[$0] }.reduce(0, +) / Float(high)
        let lowMean = order[high...].map { output.attention[$0] }.reduce(0, +) / Float(n - high)
        let difference = lowMean - highMean + margin
        guard difference > 0 else { return }
        rankRegularization = difference
        for i in order[..<high] { attentionGradient[i] = -1 / Float(high) }
        for i in order[high...] { attentionGradient[i] = 1 / Float(n - high) }
    }

    /// The new labels of a batch after relabeling (from `settings.relabelEpoch` on): a sample takes
    /// its most probable class when that class's probability exceeds its label's by more than
    /// `settings.relabelMargin` (`.confident`), or every sample does once any does (`.wholeBatch`).
    public func relabeled(_ labels: [Int], settings: TrainingSettings) -> [Int] {
        let k = probabilities.shape[1]
        var result = labels
        var anyConfident = false
        var best = [Int](repeating: 0, count: labels.count)
        for i in labels.indices {
            let row = probabilities.data[(i * k)..<(i * k + k)]
            let top = row.indices.max { row[$0] < row[$1] }! - i * k
            best[i] = top
            if row[i * k + top] - row[i * k + labels[i]] > settings.relabelMargin {
                anyConfident = true
                if settings.relabelScope == .confident { result[i] = top }
            }
        }
        if settings.relabelScope == .wholeBatch && anyConfident { result = best }
        return result
    }
}
