import FaceAtlasCore
import Foundation

/// A cohort manifest: the CSV a researcher writes by hand to say which file holds which participant's
/// recording of which stimulus, and to which group the participant belongs.
///
/// ```
/// subject,group,stimulus,file,weight,HAMD
/// S0001,MDD,happiness,params/S0001-happiness.npz,1,23
/// S0001,MDD,sadness,params/S0001-sadness.npz,1,23
/// ```
///
/// - `subject`, `group`, `stimulus`, `file` are required (any order; names are case-insensitive).
///   Groups and stimuli are free labels (MDD, BD, HC and the five Emoface stimuli are the usual ones).
/// - `file` is relative to the manifest's folder (or absolute): a parameter file for the atlas, or a
///   landmark sequence or video for a cohort run.
/// - `weight` (optional, default 1, ≥ 0) scales the participant's contribution to the group averages.
/// - `onset` (optional, seconds, default 0) is the stimulus onset within the recording; profiles are aligned to it.
/// - Every other column is a numeric *score* (a rating scale such as HAMD); empty cells are missing values.
/// - Lines starting with `#` are comments.
///
/// Reading checks that every subject belongs to one group, that no (subject, stimulus) pair appears twice,
/// and (optionally) that every file exists; errors name the manifest and the line.
public struct CohortManifest: Sendable, Equatable {
    /// One row: one participant's recording of one stimulus.
    public struct Entry: Sendable, Equatable {
        public var subject: String
        public var group: String
        public var stimulus: String
        /// The file, resolved against the manifest's folder.
        public var file: URL
        /// The participant's weight in group averages (≥ 0).
        public var weight: Double
        /// Stimulus onset within the recording, in seconds.
        public var onset: Double
        /// Score columns (NaN where the cell is empty).
        public var scores: [String: Double]
        /// The manifest line the entry came from (1-based; 0 for entries built in code).
        public var line: Int

        public init(subject: String, group: String, stimulus: String, file: URL, weight: Double = 1, onset: Double = 0,
                    scores: [String: Double] = [:], line: Int = 0) {
            self.subject = subject
            self.group = group
            self.stimulus = stimulus
            self.file = file
            self.weight = weight
            self.onset = onset
            self.scores = scores
            self.line = line
        }
    }

    /// The rows, in file order.
    public var entries: [Entry]
    /// The names of the score columns, in file order.
    public var scoreNames: [String]
    /// The manifest file (for relative paths and errors); nil for a manifest built in code.
    public var source: URL?

    /// A manifest built in code; validated like a file.
    public init(entries: [Entry], scoreNames: [String] = [], source: URL? = nil) throws {
        self.entries = entries
        self.scoreNames = scoreNames
        self.source = source
        try validate()
    }

    /// The columns with a meaning of their own; all others are scores.
    static let knownColumns: Set<String> = ["subject", "group", "stimulus", "file", "weight", "onset"]

    /// Reads a manifest.
    /// - Parameter requireFiles: fail when a listed file does not exist.
    /// - Throws: `FileError` naming the manifest and the line at fault.
    public static func read(_ url: URL, requireFiles: Bool = true) throws -> CohortManifest {
        var data = try AtomicFile.read(url)
        // Comment lines are blanked (not removed) so line numbers stay true.
        if data.contains(UInt8(ascii: "#")) {
            let text = String(decoding: data, as: UTF8.self)
            data = Data(text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? "" : String($0) }
                .joined(separator: "\n").utf8)
        }
        let table = try CSVTable(data, path: url.path)
        let header = table.header.map { $0.lowercased() }
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            if let earlier = column[name] {
                throw FileError(url, "the column '\(table.header[i])' appears twice (columns \(earlier + 1) and \(i + 1))", at: "line 1")
            }
            column[name] = i
        }
        for required in ["subject", "group", "stimulus", "file"] where column[required] == nil {
            throw FileError(url, "the header has no '\(required)' column (it needs subject, group, stimulus, file)", at: "line 1")
        }
        try table.requireRows(named: "entries")
        let scoreColumns = header.indices.filter { !knownColumns.contains(header[$0]) }
        let folder = url.deletingLastPathComponent()
        var entries: [Entry] = []
        for row in table.rows {
            try table.requireWidth(row)
            func text(_ name: String) throws -> String {
                let value = row.fields[column[name]!]
                if value.isEmpty { throw FileError(url, "the '\(name)' cell is empty", at: "line \(row.line)") }
                return value
            }
            let path = try text("file")
            let file = path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
            if requireFiles && !FileManager.default.fileExists(atPath: file.path) {
                throw FileError(url, "the file '\(path)' does not exist (looked for \(file.path))", at: "line \(row.line)")
            }
            var weight = 1.0
            if let c = column["weight"], !row.fields[c].isEmpty {
                weight = try table.number(row, c, "weight")
                guard weight.isFinite, weight >= 0 else {
                    throw FileError(url, "the weight '\(row.fields[c])' must be a finite number ≥ 0", at: "line \(row.line)")
                }
            }
            var onset = 0.0
            if let c = column["onset"], !row.fields[c].isEmpty {
                onset = try table.number(row, c, "onset")
                guard onset.isFinite else { throw FileError(url, "the onset must be a finite number of seconds", at: "line \(row.line)") }
            }
            var scores: [String: Double] = [:]
            for c in scoreColumns { scores[table.header[c]] = try table.number(row, c, table.header[c]) }
            entries.append(Entry(subject: try text("subject"), group: try text("group"), stimulus: try text("stimulus"),
                                 file: file, weight: weight, onset: onset, scores: scores, line: row.line))
        }
        let manifest = CohortManifest(unchecked: entries, scoreNames: scoreColumns.map { table.header[$0] }, source: url)
        try manifest.validate()
        return manifest
    }

    private init(unchecked entries: [Entry], scoreNames: [String], source: URL?) {
        self.entries = entries
        self.scoreNames = scoreNames
        self.source = source
    }

    /// Checks one group per subject, one row per (subject, stimulus), and one score value per subject.
    func validate() throws {
        let path = source?.path ?? "manifest"
        func place(_ e: Entry) -> String? { e.line > 0 ? "line \(e.line)" : nil }
        var groupOf: [String: Entry] = [:]
        var seen: [String: Entry] = [:]
        for e in entries {
            if let first = groupOf[e.subject] {
                if first.group != e.group {
                    throw FileError(path, "subject '\(e.subject)' is in group '\(e.group)' here but in '\(first.group)'"
                                    + (first.line > 0 ? " on line \(first.line)" : "") + "; a subject belongs to one group", at: place(e))
                }
                for (name, value) in e.scores {
                    guard !value.isNaN, let earlier = first.scores[name], !earlier.isNaN, earlier != value else { continue }
                    throw FileError(path, "subject '\(e.subject)' has \(name) = \(CSVNumber.format(value)) here but \(CSVNumber.format(earlier))"
                                    + (first.line > 0 ? " on line \(first.line)" : "") + "; a score belongs to the subject", at: place(e))
                }
            } else {
                groupOf[e.subject] = e
            }
            let key = e.subject + "\u{0}" + e.stimulus
            if let first = seen[key] {
                throw FileError(path, "subject '\(e.subject)' and stimulus '\(e.stimulus)' appear twice"
                                + (first.line > 0 ? " (first on line \(first.line))" : ""), at: place(e))
            }
            seen[key] = e
        }
    }

    /// The subjects in order of first appearance.
    public var subjects: [String] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.subject).inserted ? $0.subject : nil }
    }

    /// The groups in a canonical order: MDD, BD, HC first (when present), then the others by first appearance.
    public var groups: [String] {
        var seen = Set<String>()
        let found = entries.compactMap { seen.insert($0.group).inserted ? $0.group : nil }
        return CohortManifest.canonicalOrder(found, first: ["MDD", "BD", "HC"])
    }

    /// The stimuli in a canonical order: the five Emoface stimuli first (when present), then the others.
    public var stimuli: [String] {
        var seen = Set<String>()
        let found = entries.compactMap { seen.insert($0.stimulus).inserted ? $0.stimulus : nil }
        return CohortManifest.canonicalOrder(found, first: ["happiness", "anger", "sadness", "fear", "neutral"])
    }

    /// A subject's score: the first non-empty cell of column `name` among its rows (NaN when there is none).
    public func score(_ name: String, ofSubject subject: String) -> Double {
        entries.lazy.filter { $0.subject == subject }.compactMap { $0.scores[name] }.first { !$0.isNaN } ?? .nan
    }

    /// The group of each subject.
    public var groupOfSubject: [String: String] {
        Dictionary(entries.map { ($0.subject, $0.group) }, uniquingKeysWith: { a, _ in a })
    }

    static func canonicalOrder(_ labels: [String], first: [String]) -> [String] {
        first.filter(labels.contains) + labels.filter { !first.contains($0) }
    }

    /// The manifest as CSV text, with `file` paths relative to `folder` where they lie inside it.
    public func csv(relativeTo folder: URL) -> String {
        var lines = [(["subject", "group", "stimulus", "file", "weight", "onset"] + scoreNames).map(CSVNumber.field).joined(separator: ",")]
        let base = folder.standardizedFileURL.path + "/"
        for e in entries {
            let path = e.file.standardizedFileURL.path
            let file = path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
            let fields = [e.subject, e.group, e.stimulus, file, CSVNumber.format(e.weight), CSVNumber.format(e.onset)]
                + scoreNames.map { CSVNumber.format(e.scores[$0] ?? .nan) }
            lines.append(fields.map(CSVNumber.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the manifest atomically, with paths relative to the file's folder.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(csv(relativeTo: url.deletingLastPathComponent()).utf8), to: url)
    }
}
