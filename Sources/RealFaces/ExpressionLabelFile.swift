import FaceAtlasCore
import Foundation

/// A labels file: per real face, or per time span of a video, what it shows.
///
/// ```
/// # file,time_s_from,time_s_to,expression,must_be_active,must_be_quiet
/// pyfeat/0-f1-su-ph.jpg,,,surprise,AU1 AU2 AU5 AU26,AU4 AU9 AU12 AU15
/// pyfeat/WolfgangLanger_Pexels.mp4,10.5,19.6,laughing (open smile),AU6 AU12 AU25,AU4 AU15 AU20
/// ```
///
/// Six comma-separated columns in this order; a line starting with `#` is a comment, blank lines are
/// skipped, and a first line naming the columns (`file,time_s_from,...`) is taken as a header. Files
/// are relative to the data folder. The time span (seconds, both or neither) is for videos only;
/// without it a label covers the whole file. Action units are FACS labels separated by spaces
/// (`AU1 AU2`); an action unit cannot be both active and quiet. A field with a comma is quoted.
public struct ExpressionLabelFile: Sendable {
    /// The column names, in order.
    public static let columns = ["file", "time_s_from", "time_s_to", "expression", "must_be_active", "must_be_quiet"]

    /// The file read (named in errors).
    public var path: String
    /// The labels, in file order.
    public var labels: [ExpressionLabel]

    /// Creates a set of labels in memory.
    public init(path: String, labels: [ExpressionLabel]) {
        self.path = path
        self.labels = labels
    }

    /// Reads the labels file at `url`.
    /// - Throws: `FileError` naming the file and the line of a bad row.
    public static func read(_ url: URL) throws -> ExpressionLabelFile {
        try ExpressionLabelFile(parsing: try AtomicFile.read(url), path: url.path)
    }

    /// Parses the labels in `data`, read from `path`.
    /// - Throws: `FileError` naming `path` and the line of a bad row.
    public init(parsing data: Data, path: String) throws {
        self.path = path
        // Comment lines become blank lines, so the CSV reader keeps every line number.
        guard let text = String(data: data, encoding: .utf8) else { throw FileError(path, "the file is not UTF-8 text") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.map { $0.drop { $0 == " " || $0 == "\t" }.hasPrefix("#") ? "" : String($0) }
        guard let firstLine = kept.firstIndex(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            labels = []
            return
        }
        // The CSV reader takes the first record for a header: it is a label unless it names the columns.
        let table = try CSVTable(Data(kept.joined(separator: "\n").utf8), path: path)
        var rows = [(line: firstLine + 1, fields: table.header)] + table.rows.map { (line: $0.line, fields: $0.fields) }
        if rows[0].fields.map({ $0.lowercased() }) == Self.columns { rows.removeFirst() }
        labels = try rows.map { try Self.label(fields: $0.fields, line: $0.line, path: path) }
    }

    /// The label of the row on `line`.
    private static func label(fields f: [String], line: Int, path: String) throws -> ExpressionLabel {
        func fail(_ problem: String) -> FileError { FileError(path, problem, at: "line \(line)") }
        guard f.count == columns.count else {
            throw fail("the row has \(f.count) fields; a label has \(columns.count): \(columns.joined(separator: ","))")
        }
        let file = f[0]
        guard !file.isEmpty else { throw fail("the file is empty") }
        guard !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
            throw fail("the file '\(file)' must be relative to the data folder (no leading '/', no '..')")
        }
        func seconds(_ index: Int) throws -> Double? {
            let text = f[index]
            if text.isEmpty { return nil }
            guard let value = CSVNumber.parse(text), value.isFinite, value >= 0 else {
                throw fail("\(columns[index]) '\(text)' is not a time in seconds (a number ≥ 0)")
            }
            return value
        }
        let from = try seconds(1), to = try seconds(2)
        guard (from == nil) == (to == nil) else { throw fail("give both time_s_from and time_s_to, or neither") }
        if let from, let to, from > to { throw fail("the span starts after it ends (\(from) s > \(to) s)") }
        func actionUnits(_ index: Int) throws -> [String] {
            var seen: [String] = []
            for token in f[index].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let label = ExpressionLabel.actionUnitLabel(token) else {
                    throw fail("\(columns[index]): '\(token)' is not a FACS action unit such as AU12")
                }
                if !seen.contains(label) { seen.append(label) }
            }
            return seen
        }
        let active = try actionUnits(4), quiet = try actionUnits(5)
        if let both = active.first(where: quiet.contains) { throw fail("\(both) is listed as both active and quiet") }
        return ExpressionLabel(file: file, fromSeconds: from, toSeconds: to, expression: f[3],
                               mustBeActive: active, mustBeQuiet: quiet, line: line)
    }
}
