import FaceAtlasCore
import Foundation

/// A small CSV table of the project's authored definitions (`Templates/*.csv`):
/// `#` comment lines, a header row, comma-separated fields without quoting.
/// Settings may be given in comments as `# key=value key=value`.
struct DefinitionTable {
    var header: [String]
    var rows: [[String: String]]
    var settings: [String: String]
    let source: String

    init(url: URL) throws {
        source = url.path
        let text = String(decoding: try AtomicFile.read(url), as: UTF8.self)
        var header: [String]? = nil
        var rows: [[String: String]] = []
        var settings: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                for token in line.dropFirst().split(separator: " ") where token.contains("=") {
                    let kv = token.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 { settings[String(kv[0])] = String(kv[1]) }
                }
                continue
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let h = header else { header = fields; continue }
            guard fields.count == h.count else {
                throw FileError(url, "has \(fields.count) fields, the header has \(h.count)", at: "line \(n + 1)")
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(h, fields)))
        }
        guard let header else { throw FileError(url, "no header row") }
        self.header = header
        self.rows = rows
        self.settings = settings
    }

    /// A numeric setting from the comment lines.
    func setting(_ key: String) throws -> Double {
        guard let s = settings[key], let v = Double(s) else { throw FileError(source, "missing setting '\(key)=…' in a comment line") }
        return v
    }
}
