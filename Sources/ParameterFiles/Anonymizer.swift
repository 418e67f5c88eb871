import FaceAtlasCore
import Foundation

/// What anonymization puts in place of the identity coefficients `shape`.
public enum IdentityMode: String, CaseIterable, Sendable, Codable {
    /// Zeros: the model's mean face (identity coefficients are in SD units around the mean).
    case mean
    /// The mean of the files anonymized together: the cohort's average face.
    case cohortMean = "cohort-mean"
    /// Unchanged. The files then still identify people by their face geometry (see `ReidentificationAudit`).
    case keep
}

/// Removes what identifies a person from parameter files while keeping expression dynamics and head motion.
///
/// For each file:
/// - `shape` (identity) becomes zeros (`.mean`), the cohort mean (`.cohortMean`) or stays (`.keep`);
/// - `vertices` (the fitted mesh, which carries the identity) is dropped;
/// - `time` is made relative: it starts at 0, so no absolute timestamps remain;
/// - `source` (the original file name or path) is cleared; the detector name is kept;
/// - `subject` becomes a keyed pseudonym (`Pseudonymizer`), and any other header text that contains the
///   raw id (a stimulus named after the input file, say) has it replaced by the pseudonym;
/// - `meta.anonymized` is set and `meta.removed` lists what was removed. Array hashes are recomputed on writing.
///
/// `exp`, `pose`, `cam`, `confidence` and the residuals are kept: they are the expression dynamics and head
/// motion the files are shared for. They can still carry a behavioural signature; `ReidentificationAudit`
/// measures how much.
public struct Anonymizer: Sendable {
    public var identity: IdentityMode
    public var pseudonymizer: Pseudonymizer

    public init(identity: IdentityMode, pseudonymizer: Pseudonymizer) {
        self.identity = identity
        self.pseudonymizer = pseudonymizer
    }

    /// The list recorded in `meta.removed` (and in the audit log) for an identity mode.
    public static func removed(identity: IdentityMode) -> [String] {
        var list: [String] = []
        switch identity {
        case .mean: list.append("shape: replaced by the model mean (zeros)")
        case .cohortMean: list.append("shape: replaced by the cohort mean")
        case .keep: break
        }
        list += ["vertices", "absolute time: time starts at 0", "source path", "subject id: replaced by a keyed pseudonym"]
        return list
    }

    /// The identity put in place of each file's `shape`, or nil to keep them.
    /// - Throws: `UsageError` when the cohort mean is asked of files with different models or identity sizes.
    public func replacementShape(for files: [ParameterFile]) throws -> [Float]? {
        switch identity {
        case .keep:
            return nil
        case .mean:
            return nil  // zeros of each file's own length; see `anonymize`
        case .cohortMean:
            guard let first = files.first else { return [] }
            let k = first.shape.count
            guard files.allSatisfy({ $0.shape.count == k && $0.meta.modelID == first.meta.modelID }) else {
                throw UsageError("--identity cohort-mean needs files of one model with the same number of identity coefficients")
            }
            var sum = [Double](repeating: 0, count: k)
            for file in files { for j in 0..<k { sum[j] += Double(file.shape[j]) } }
            return sum.map { Float($0 / Double(files.count)) }
        }
    }

    /// Anonymizes files processed together (the cohort mean is taken over them).
    /// - Throws: `UsageError` for a file that is already anonymized, or for inconsistent cohort-mean inputs.
    public func anonymize(_ files: [ParameterFile]) throws -> [ParameterFile] {
        if let done = files.firstIndex(where: { $0.meta.anonymized }) {
            throw UsageError("input \(done + 1) is already anonymized (subject \(files[done].meta.subject)); anonymize the original instead")
        }
        let cohort = try replacementShape(for: files)
        return files.map { anonymize($0, cohortShape: cohort) }
    }

    /// Anonymizes one file, with `cohortShape` as the identity for `.cohortMean`.
    public func anonymize(_ file: ParameterFile, cohortShape: [Float]? = nil) -> ParameterFile {
        var out = file
        let raw = file.meta.subject
        let pseudonym = pseudonymizer.pseudonym(for: raw)
        switch identity {
        case .mean: out.shape = [Float](repeating: 0, count: file.shape.count)
        case .cohortMean: out.shape = cohortShape ?? [Float](repeating: 0, count: file.shape.count)
        case .keep: break
        }
        out.vertices = nil
        if let start = file.time.first(where: \.isFinite) { out.time = file.time.map { $0 - start } }
        var meta = file.meta
        meta.subject = pseudonym
        meta.source = ""
        // The raw id must not survive anywhere in the header: a stimulus named after the input file often holds it.
        func scrub(_ text: String) -> String {
            raw.count >= 3 ? text.replacingOccurrences(of: raw, with: pseudonym) : text
        }
        meta.stimulus = scrub(meta.stimulus)
        meta.detector = scrub(meta.detector)
        meta.fitterVersion = scrub(meta.fitterVersion)
        meta.fitterSettings = meta.fitterSettings.mapValues(scrub)
        meta.anonymized = true
        meta.removed = Self.removed(identity: identity)
        meta.arrays = [:]
        out.meta = meta
        return out
    }
}
