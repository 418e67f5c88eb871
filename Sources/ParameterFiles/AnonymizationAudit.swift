import FaceAtlasCore
import Foundation

/// One line of the anonymization audit log (`anonymization-audit.jsonl` in the output folder): when a run
/// happened, with which FaceAtlas and identity mode, what it removed, and the SHA-256 of every input and
/// output file. Raw subject ids never appear: inputs are named by hash only (their file names may hold ids),
/// outputs by their pseudonymous names.
public struct AnonymizationAuditRecord: Codable, Sendable, Equatable {
    /// An output file: its name in the output folder and its SHA-256.
    public struct Output: Codable, Sendable, Equatable {
        public var file: String
        public var sha256: String
    }

    /// ISO 8601 time in UTC, e.g. "2025-03-01T14:02:11Z".
    public var time: String
    public var faceatlasVersion: String
    public var identity: String
    public var removed: [String]
    /// SHA-256 of each input file, in input order.
    public var inputs: [String]
    public var outputs: [Output]

    public init(time: Date, identity: IdentityMode, removed: [String], inputs: [String], outputs: [Output]) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        self.time = formatter.string(from: time)
        faceatlasVersion = FaceAtlasVersion.current
        self.identity = identity.rawValue
        self.removed = removed
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The log's file name in the output folder.
    public static let fileName = "anonymization-audit.jsonl"

    /// The record as one line of JSON with sorted keys, ending in a line break.
    public func line() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Appends the record to the log at `url` in a single write (the file is created when needed, mode 0600).
    /// - Throws: `FileError` naming the log.
    public func append(to url: URL) throws {
        let data = try line()
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw FileError(url, "cannot open the audit log: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw FileError(url, "cannot append to the audit log: \(String(cString: strerror(errno)))") }
    }

    /// Reads every record of the log at `url`.
    /// - Throws: `FileError` naming the log and the line that is not a record.
    public static func read(_ url: URL) throws -> [AnonymizationAuditRecord] {
        let text = String(decoding: try AtomicFile.read(url), as: UTF8.self)
        var records: [AnonymizationAuditRecord] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do {
                records.append(try JSONDecoder().decode(AnonymizationAuditRecord.self, from: Data(line.utf8)))
            } catch {
                throw FileError(url, "not an audit record: \(error)", at: "line \(number + 1)")
            }
        }
        return records
    }
}
