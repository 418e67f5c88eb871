import FaceAtlasCore
import Foundation

/// The journal of a cohort run: one JSON line per finished (or failed) step, appended as it happens.
///
/// A step is identified by its name and key (`fit` / `S0001`, `atlas` / `cohort`) and records the
/// SHA-256 of its inputs and of each output file. A step is skipped on a later run only when a `done`
/// record has the same input hash and every output file still has its recorded hash, so changed
/// inputs, settings or damaged outputs are redone. Shards write their own ledger files
/// (`ledger-shard-K-of-N.jsonl`) so that runs on several machines never append to one file; reading
/// merges every `ledger*.jsonl` in the run folder.
public final class RunLedger: @unchecked Sendable {
    /// One line of the ledger.
    public struct Record: Codable, Sendable, Equatable {
        public var step: String
        public var key: String
        public var inputs: String
        /// Output files (relative to the run folder) and their SHA-256.
        public var outputs: [String: String]
        public var status: String
        public var message: String?
        public var seconds: Double
        public var time: String
    }

    public let folder: URL
    public let file: URL
    private var records: [Record] = []
    private let lock = NSLock()

    /// Opens the ledgers of `folder`; new records go to `fileName`.
    /// - Throws: `FileError` naming a ledger line that is not a record (a torn last line is ignored).
    public init(folder: URL, fileName: String = "ledger.jsonl") throws {
        self.folder = folder
        file = folder.appendingPathComponent(fileName)
        try AtomicFile.createFolder(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where name.hasPrefix("ledger") && name.hasSuffix(".jsonl") {
            let url = folder.appendingPathComponent(name)
            let lines = String(decoding: try AtomicFile.read(url), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    records.append(try JSONDecoder().decode(Record.self, from: Data(line.utf8)))
                } catch {
                    // A run killed while appending leaves a torn last line: ignore it, refuse anything else.
                    if i == lines.count - 1 || (i == lines.count - 2 && lines.last!.isEmpty) { continue }
                    throw FileError(url, "is not a run ledger line: \(error)", at: "line \(i + 1)")
                }
            }
        }
    }

    /// The last record of a step, if any.
    public func last(step: String, key: String) -> Record? {
        lock.lock(); defer { lock.unlock() }
        return records.last { $0.step == step && $0.key == key }
    }

    /// Whether the step is done for `inputs`, with its outputs intact.
    public func isDone(step: String, key: String, inputs: String) -> Bool {
        guard let r = last(step: step, key: key), r.status == "done", r.inputs == inputs else { return false }
        for (path, hash) in r.outputs {
            guard let actual = try? Digest.sha256(file: folder.appendingPathComponent(path)), actual == hash else { return false }
        }
        return true
    }

    /// Appends a record (outputs are hashed now); thread-safe.
    public func record(step: String, key: String, inputs: String, outputs: [URL], status: String = "done",
                       message: String? = nil, seconds: Double) throws {
        let base = folder.standardizedFileURL.path + "/"
        var hashes: [String: String] = [:]
        for url in outputs {
            let path = url.standardizedFileURL.path
            hashes[path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path] = try Digest.sha256(file: url)
        }
        let record = Record(step: step, key: key, inputs: inputs, outputs: hashes, status: status, message: message,
                            seconds: (seconds * 1000).rounded() / 1000, time: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        lock.lock(); defer { lock.unlock() }
        // O_APPEND: each record lands whole at the end, even with other writers of the same file.
        let fd = open(file.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileError(file, "cannot open for appending: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw FileError(file, "cannot append a record: \(String(cString: strerror(errno)))") }
        fsync(fd)
        records.append(record)
    }

    /// Every step's latest record.
    public var latest: [Record] {
        lock.lock(); defer { lock.unlock() }
        var seen: [String: Int] = [:]
        var out: [Record] = []
        for r in records {
            let k = r.step + "\u{0}" + r.key
            if let i = seen[k] { out[i] = r } else { seen[k] = out.count; out.append(r) }
        }
        return out
    }

    /// SHA-256 of a list of strings (order matters), for input fingerprints.
    public static func fingerprint(_ parts: [String]) -> String {
        Digest.sha256(Data(parts.joined(separator: "\u{1}").utf8))
    }
}
