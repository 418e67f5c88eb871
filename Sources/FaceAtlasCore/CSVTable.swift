import Foundation

/// A CSV file split into a header and rows, each row with the line it starts on.
///
/// Fields are separated by commas; spaces around a field are trimmed (OpenFace writes
/// ", " between fields); a field in double quotes may hold commas, line breaks and `""`
/// for a quote. Blank lines are skipped. A UTF-8 byte-order mark is ignored.
public struct CSVTable: Sendable {
    /// One data row.
    public struct Row: Sendable {
        /// The 1-based line the row starts on.
        public var line: Int
        /// The row's fields, trimmed unless quoted.
        public var fields: [String]
    }

    /// The file, named in errors.
    public var path: String
    /// The header's fields, trimmed.
    public var header: [String]
    /// The data rows, in file order.
    public var rows: [Row]

    /// Parses `data` read from `path`.
    /// - Throws: `FileError` for an empty file, text that is not UTF-8, or an unterminated quote.
    public init(_ data: Data, path: String) throws {
        self.path = path
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw FileError(path, "the file is not UTF-8 text")
        }
        var records: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false       // inside quotes
        var wasQuoted = false    // the current field was quoted (so it is not trimmed)
        var line = 1
        var recordLine = 1
        var recordHasContent = false

        func endField() {
            let text = String(decoding: field, as: UTF8.self)
            fields.append(wasQuoted ? text : text.trimmingCharacters(in: .whitespaces))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if recordHasContent || fields.count > 1 { records.append(Row(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
            recordHasContent = false
        }

        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","):
                    endField()
                    recordHasContent = true
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                    recordLine = line
                case UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "\""):
                    if field.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                        field.removeAll()
                        quoted = true
                        wasQuoted = true
                        recordHasContent = true
                    } else {
                        field.append(byte)
                    }
                default:
                    field.append(byte)
                    if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { recordHasContent = true }
                }
            }
            index += 1
        }
        if quoted { throw FileError(path, "a quoted field is not closed (the file is truncated?)", at: "line \(recordLine)") }
        endRecord()

        guard let first = records.first else { throw FileError(path, "the file is empty") }
        header = first.fields
        rows = Array(records.dropFirst())
    }

    /// The index of each header name; a repeated name is an error.
    public func columnIndex() throws -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            if let earlier = index[name] {
                throw FileError(path, "the column '\(name)' appears twice (columns \(earlier + 1) and \(position + 1))", at: "line 1")
            }
            index[name] = position
        }
        return index
    }

    /// Fails unless the file has at least one data row; `rowName` names what a row holds ("frames", "rows").
    public func requireRows(named rowName: String = "rows") throws {
        if rows.isEmpty { throw FileError(path, "the file has a header but no \(rowName) (truncated?)", at: "line 1") }
    }

    /// Fails unless `row` has as many fields as the header (a short last line means a truncated file).
    public func requireWidth(_ row: Row) throws {
        guard row.fields.count != header.count else { return }
        let isLast = row.line == rows.last?.line
        let hint = row.fields.count < header.count && isLast ? " (the file is truncated?)" : ""
        throw FileError(path, "the line has \(row.fields.count) values but the header has \(header.count)\(hint)",
                        at: "line \(row.line)")
    }

    /// The number in `row` at `column`, named `name` in errors; an empty field is NaN.
    public func number(_ row: Row, _ column: Int, _ name: String) throws -> Double {
        let text = row.fields[column]
        if text.isEmpty { return .nan }
        guard let value = CSVNumber.parse(text) else {
            throw FileError(path, "the value '\(text)' in column '\(name)' is not a number", at: "line \(row.line)")
        }
        return value
    }
}
