import FaceAtlasCore
import Foundation

/// One `faceatlas anonymize` run: reads and verifies the inputs, anonymizes them together, writes each
/// output atomically as `<pseudonym>_<stimulus>.npz` in the output folder, and appends one record to the
/// folder's audit log.
public enum AnonymizationBatch {
    /// What a run wrote.
    public struct Result: Sendable {
        /// The files written, in input order.
        public var outputs: [URL]
        /// The line appended to the audit log.
        public var record: AnonymizationAuditRecord
        /// The audit log.
        public var log: URL
    }

    /// Anonymizes `inputs` into `folder`.
    /// - Throws: `FileError` for an input that cannot be read or verified, or an output that cannot be written;
    ///   `UsageError` for inputs that are already anonymized or cannot share a cohort mean.
    public static func run(inputs: [URL], to folder: URL, anonymizer: Anonymizer, now: Date = Date()) throws -> Result {
        guard !inputs.isEmpty else { throw UsageError("no input files") }
        var files: [ParameterFile] = []
        var inputHashes: [String] = []
        for url in inputs {
            let data = try AtomicFile.read(url)
            files.append(try ParameterFile.read(data: data, source: url.path))
            inputHashes.append(Digest.sha256(data))
        }
        let anonymized = try anonymizer.anonymize(files)
        var used = Set<String>()
        var outputs: [URL] = []
        let inputPaths = Set(inputs.map { $0.standardizedFileURL.path })
        for file in anonymized {
            let base = "\(file.meta.subject)_\(safeName(file.meta.stimulus))"
            var name = base + ".npz"
            var n = 2
            while used.contains(name) { name = "\(base)-\(n).npz"; n += 1 }
            used.insert(name)
            let url = folder.appendingPathComponent(name)
            if inputPaths.contains(url.standardizedFileURL.path) {
                throw FileError(url, "the output would overwrite an input; choose another --out folder")
            }
            outputs.append(url)
        }
        var written: [AnonymizationAuditRecord.Output] = []
        for (file, url) in zip(anonymized, outputs) {
            try file.write(to: url)
            written.append(.init(file: url.lastPathComponent, sha256: try Digest.sha256(file: url)))
        }
        let record = AnonymizationAuditRecord(time: now, identity: anonymizer.identity,
                                              removed: Anonymizer.removed(identity: anonymizer.identity),
                                              inputs: inputHashes, outputs: written)
        let log = folder.appendingPathComponent(AnonymizationAuditRecord.fileName)
        try record.append(to: log)
        return Result(outputs: outputs, record: record, log: log)
    }

    /// `text` with every character other than letters, digits, '.', '-' and '_' replaced by '_' (at most 64 characters).
    static func safeName(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "-_.".unicodeScalars.contains(s))) ? Character(s) : "_"
        }
        let name = String(mapped.prefix(64)).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return name.isEmpty ? "sequence" : name
    }
}
