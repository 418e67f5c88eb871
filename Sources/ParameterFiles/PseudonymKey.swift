import FaceAtlasCore
import Foundation

/// A key file mapping pseudonyms to subject ids, kept by whoever holds the site secret: a CSV with one
/// `pseudonym,subject` pair per line, optionally under a header line `pseudonym,subject`.
public enum PseudonymKey {
    /// Reads the key at `url` as pseudonym → subject.
    /// - Throws: `FileError` naming the file and line for a malformed or duplicated entry.
    public static func read(_ url: URL) throws -> [String: String] {
        let text = String(decoding: try AtomicFile.read(url), as: UTF8.self)
        var key: [String: String] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if index == 0 && fields.first?.lowercased() == "pseudonym" { continue }
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw FileError(url, "expected 'pseudonym,subject', got '\(line)'", at: "line \(index + 1)")
            }
            if let previous = key[fields[0]], previous != fields[1] {
                throw FileError(url, "pseudonym \(fields[0]) is mapped twice", at: "line \(index + 1)")
            }
            key[fields[0]] = fields[1]
        }
        return key
    }
}
