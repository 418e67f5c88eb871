import FaceAtlasCore
import Foundation

/// A trained matcher over dynamics embeddings: the standardizer fitted on the atlas population, the
/// reference embedding of each group, and the cosine matcher with its fitted temperature and threshold.
/// Saved as JSON beside the atlas (`matcher-dynamics.json`).
public struct DynamicsMatcher: Sendable, Codable, Equatable {
    /// What a group's reference embedding is.
    public enum ReferenceMode: String, Sendable, Codable, CaseIterable {
        /// The embedding of the group's standard face (its reference profiles), as the Emoface paper embeds its standard faces.
        case standardFace = "standard-face"
        /// The mean standardized embedding of the group's members.
        case memberMean = "member-mean"
    }

    public static let formatName = "faceatlas-matcher"
    /// The matcher's file name in an atlas folder.
    public static let fileName = "matcher-dynamics.json"
    public var format = DynamicsMatcher.formatName
    public var encoder = "dynamics"
    public var modelID: String
    public var stimuli: [String]
    public var featureNames: [String]
    public var referenceMode: ReferenceMode
    /// z-scoring fitted on the training participants (missing features imputed with their mean first).
    public var standardizer: Standardizer
    public var matcher: CosineMatcher
    public var trainingParticipants: Int

    /// Trains on `members` (each with its group) and the groups' `standardFaces`.
    /// - Parameter targetErrorRate: choose the indeterminate margin for this error rate among decided training cases.
    public static func train(
        encoder: DynamicsEncoder, modelID: String, members: [ParticipantRecordings], standardFaces: [String: ParticipantRecordings],
        groups: [String], mode: ReferenceMode = .standardFace, targetErrorRate: Double? = nil
    ) throws -> DynamicsMatcher {
        let labelled = members.filter { $0.group != nil && groups.contains($0.group!) }
        return try train(encoder: encoder, modelID: modelID, rawEmbeddings: try encoder.embeddings(of: labelled),
                         labels: labelled.map { $0.group! }, standardFaces: standardFaces, groups: groups, mode: mode,
                         targetErrorRate: targetErrorRate)
    }

    /// Trains on embeddings already computed by `encoder` (they do not depend on the labels, so
    /// cross-validation and permutation tests compute them once).
    public static func train(
        encoder: DynamicsEncoder, modelID: String, rawEmbeddings raw: [[Double]], labels: [String],
        standardFaces: [String: ParticipantRecordings], groups: [String], mode: ReferenceMode = .standardFace,
        targetErrorRate: Double? = nil
    ) throws -> DynamicsMatcher {
        precondition(raw.count == labels.count)
        guard !raw.isEmpty else { throw UsageError("no training participant belongs to the groups \(groups)") }
        let standardizer = Standardizer(fitting: imputed(raw))
        let z = raw.map { clean(standardizer.transform($0), standardizer: standardizer, raw: $0) }
        var matcher: CosineMatcher
        switch mode {
        case .memberMean:
            matcher = CosineMatcher.trained(embeddings: z, labels: labels, groups: groups, targetErrorRate: targetErrorRate)
        case .standardFace:
            let references = try groups.map { g -> [Double] in
                guard let face = standardFaces[g] else { throw UsageError("the atlas has no standard face for group '\(g)'") }
                let e = try encoder.embedding(of: face)
                return clean(standardizer.transform(e), standardizer: standardizer, raw: e)
            }
            matcher = CosineMatcher(labels: groups, references: references)
            let truth = labels.map { groups.firstIndex(of: $0)! }
            let similarities = z.map { matcher.similarities(to: $0) }
            matcher.temperature = CosineMatcher.fittedTemperature(similarities: similarities, truth: truth)
            if let targetErrorRate {
                matcher.marginThreshold = CosineMatcher.marginThreshold(similarities: similarities, truth: truth, targetErrorRate: targetErrorRate)
            }
        }
        return DynamicsMatcher(modelID: modelID, stimuli: encoder.stimuli, featureNames: encoder.featureNames, referenceMode: mode,
                               standardizer: standardizer, matcher: matcher, trainingParticipants: raw.count)
    }

    /// The standardized form of a raw embedding (missing features at the population mean).
    public func standardized(_ raw: [Double]) -> [Double] {
        DynamicsMatcher.clean(standardizer.transform(raw), standardizer: standardizer, raw: raw)
    }

    /// The standardized embedding of a participant (missing features at the population mean).
    public func standardizedEmbedding(_ participant: ParticipantRecordings, encoder: DynamicsEncoder) throws -> [Double] {
        guard encoder.featureNames == featureNames else {
            throw UsageError("the matcher was trained on other features (stimuli \(stimuli.joined(separator: ", ")))")
        }
        let raw = try encoder.embedding(of: participant)
        return DynamicsMatcher.clean(standardizer.transform(raw), standardizer: standardizer, raw: raw)
    }

    /// Matches a participant against the group references.
    public func match(_ participant: ParticipantRecordings, encoder: DynamicsEncoder) throws -> MatchResult {
        matcher.match(try standardizedEmbedding(participant, encoder: encoder))
    }

    /// Writes the matcher as JSON, atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: url)
    }

    /// Reads a matcher written by `write`.
    public static func read(_ url: URL) throws -> DynamicsMatcher {
        let data = try AtomicFile.read(url)
        let matcher: DynamicsMatcher
        do {
            matcher = try JSONDecoder().decode(DynamicsMatcher.self, from: data)
        } catch {
            throw FileError(url, "is not a FaceAtlas matcher: \(error)")
        }
        guard matcher.format == formatName else { throw FileError(url, "has format '\(matcher.format)', not '\(formatName)'") }
        return matcher
    }

    /// Missing (NaN) features replaced with the mean of the finite values of their column (0 when none).
    static func imputed(_ rows: [[Double]]) -> [[Double]] { imputedRows(rows).rows }

    /// `rows` with missing (NaN) features replaced by their column's mean over the finite values
    /// (0 when none), and those means.
    public static func imputedRows(_ rows: [[Double]]) -> (rows: [[Double]], means: [Double]) {
        guard let d = rows.first?.count else { return (rows, []) }
        var means = [Double](repeating: 0, count: d)
        for j in 0..<d {
            let finite = rows.map { $0[j] }.filter(\.isFinite)
            means[j] = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
        }
        return (rows.map { row in row.indices.map { row[$0].isFinite ? row[$0] : means[$0] } }, means)
    }

    /// A standardized row with the features missing from `raw` set to 0 (the training mean).
    static func clean(_ z: [Double], standardizer: Standardizer, raw: [Double]) -> [Double] {
        z.indices.map { raw[$0].isFinite && z[$0].isFinite ? z[$0] : 0 }
    }
}
