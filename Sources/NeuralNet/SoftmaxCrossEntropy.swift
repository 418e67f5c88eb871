import Foundation

/// The mean cross-entropy of softmax(logits) against integer class labels, with its gradient.
public struct SoftmaxCrossEntropy {
    /// The mean loss over the batch.
    public var loss: Float
    /// softmax(logits), `[N, classes]`.
    public var probabilities: Tensor
    /// ∂loss/∂logits, `[N, classes]`: (softmax − one-hot) / N.
    public var gradient: Tensor

    /// Evaluates the loss of `logits` (`[N, classes]`) for `labels` (N values in `0..<classes`).
    public init(logits: Tensor, labels: [Int]) {
        precondition(logits.shape.count == 2 && logits.shape[0] == labels.count, "logits \(logits.shape) do not match \(labels.count) labels")
        let (n, k) = (logits.shape[0], logits.shape[1])
        var probabilities = Tensor(shape: [n, k])
        var gradient = Tensor(shape: [n, k])
        var total = 0.0
        for i in 0..<n {
            precondition(labels[i] >= 0 && labels[i] < k, "label \(labels[i]) outside 0..<\(k)")
            let row = Array(logits.data[(i * k)..<(i * k + k)])
            let top = row.max() ?? 0
            let exps = row.map { Double(exp($0 - top)) }
            let sum = exps.reduce(0, +)
            for j in 0..<k {
                let p = exps[j] / sum
                probabilities.data[i * k + j] = Float(p)
                gradient.data[i * k + j] = Float((p - (j == labels[i] ? 1 : 0)) / Double(n))
            }
            total += -(Double(row[labels[i]] - top) - log(sum))
        }
        self.loss = Float(total / Double(max(n, 1)))
        self.probabilities = probabilities
        self.gradient = gradient
    }
}
