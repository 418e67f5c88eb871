/// Turns a participant's material (parameter files, face crops, renders) into a fixed-length embedding.
///
/// Encoders are what the matcher and the classifiers compare: two participants with similar facial
/// behaviour should get embeddings with a high cosine similarity. (Named `EmbeddingEncoder` rather than
/// `Encoder` so that it never shadows the standard library's `Encoder` of `Codable`.)
public protocol EmbeddingEncoder<Input>: Sendable {
    /// What one participant's material is (for example the parameter files of their stimuli).
    associatedtype Input

    /// A short name for reports and command-line options ("dynamics", "cnn").
    var name: String { get }
    /// The length of every embedding.
    var dimension: Int { get }
    /// The embedding of one participant's material; exactly `dimension` values.
    func embedding(of input: Input) throws -> [Double]
}

extension EmbeddingEncoder {
    /// The embeddings of several participants, each checked to have `dimension` values.
    public func embeddings(of inputs: [Input]) throws -> [[Double]] {
        try inputs.map { input in
            let e = try embedding(of: input)
            precondition(e.count == dimension, "encoder \(name) returned \(e.count) values, not \(dimension)")
            return e
        }
    }
}
