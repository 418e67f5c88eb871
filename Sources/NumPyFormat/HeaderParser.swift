import Foundation

/// A value of the small subset of Python literal syntax found in `.npy` headers.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    /// An integer that does not fit in `Int`, kept as written.
    case hugeInteger(String)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([DictEntry])

    struct DictEntry: Equatable {
        var key: PythonLiteral
        var value: PythonLiteral
    }

    /// A short name of the kind of value, for messages.
    var kind: String {
        switch self {
        case .string: return "a string"
        case .integer, .hugeInteger: return "an integer"
        case .bool: return "a boolean"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        }
    }
}

/// A problem in a `.npy` header, described for a user.
struct HeaderError: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Parses the Python literal of a `.npy` header, such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// It understands strings in single or double quotes (with backslash escapes and an
/// optional `u` prefix), integers (with an optional Python 2 `L` suffix), `True`,
/// `False`, `None`, tuples, lists and dicts, nested at most `maxDepth` deep. Nothing
/// is ever evaluated.
struct HeaderParser {
    static let maxDepth = 32

    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Parses `text` as one literal followed only by whitespace.
    static func parse(_ text: String) throws(HeaderError) -> PythonLiteral {
        var parser = HeaderParser(text)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < parser.scalars.count {
            throw parser.error("unexpected text after the header dict")
        }
        return value
    }

    private var current: Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    private func error(_ message: String) -> HeaderError {
        HeaderError("\(message) at character \(position + 1) of the header")
    }

    private mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" {
            position += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(HeaderError) -> PythonLiteral {
        guard depth < Self.maxDepth else { throw error("the header is nested too deeply") }
        skipWhitespace()
        guard let scalar = current else { throw error("the header ends where a value was expected") }
        switch scalar {
        case "'", "\"":
            return .string(try parseString())
        case "u", "U":
            if position + 1 < scalars.count, scalars[position + 1] == "'" || scalars[position + 1] == "\"" {
                position += 1
                return .string(try parseString())
            }
            return try parseName()
        case "0"..."9", "-", "+":
            return try parseInteger()
        case "(":
            position += 1
            let (items, sawComma) = try parseItems(until: ")", depth: depth)
            if items.count == 1 && !sawComma { return items[0] }  // (x) is just x in Python
            return .tuple(items)
        case "[":
            position += 1
            return .list(try parseItems(until: "]", depth: depth).items)
        case "{":
            position += 1
            return .dict(try parseDictEntries(depth: depth))
        default:
            if scalar.properties.isAlphabetic || scalar == "_" { return try parseName() }
            throw error("unexpected character '\(Character(scalar))'")
        }
    }

    /// Parses comma-separated values up to `closer`, after the opening bracket.
    private mutating func parseItems(until closer: Unicode.Scalar, depth: Int)
        throws(HeaderError) -> (items: [PythonLiteral], sawComma: Bool) {
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == closer {
                position += 1
                return (items, sawComma)
            }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == "," {
                sawComma = true
                position += 1
            } else if current == closer {
                position += 1
                return (items, sawComma)
            } else {
                throw error(current == nil ? "the header ends inside brackets" : "expected ',' or '\(Character(closer))'")
            }
        }
    }

    private mutating func parseDictEntries(depth: Int) throws(HeaderError) -> [PythonLiteral.DictEntry] {
        var entries: [PythonLiteral.DictEntry] = []
        while true {
            skipWhitespace()
            if current == "}" {
                position += 1
                return entries
            }
            let key = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard current == ":" else {
                throw error(current == nil ? "the header ends inside the dict" : "expected ':' after a dict key")
            }
            position += 1
            let value = try parseValue(depth: depth + 1)
            entries.append(.init(key: key, value: value))
            skipWhitespace()
            if current == "," {
                position += 1
            } else if current == "}" {
                position += 1
                return entries
            } else {
                throw error(current == nil ? "the header ends inside the dict" : "expected ',' or '}'")
            }
        }
    }

    private mutating func parseString() throws(HeaderError) -> String {
        guard let quote = current else { throw error("expected a string") }
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = current else { throw error("the header ends inside a string") }
            position += 1
            if scalar == quote { return String(result) }
            if scalar == "\n" { throw error("a string runs past the end of the line") }
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard let escaped = current else { throw error("the header ends inside a string") }
            position += 1
            switch escaped {
            case "\\", "'", "\"": result.append(escaped)
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "0": result.append("\0")
            case "\n": break  // line continuation
            case "x": result.append(try parseHexEscape(digits: 2))
            case "u": result.append(try parseHexEscape(digits: 4))
            case "U": result.append(try parseHexEscape(digits: 8))
            default:
                // Python keeps unknown escapes as written.
                result.append("\\")
                result.append(escaped)
            }
        }
    }

    private mutating func parseHexEscape(digits: Int) throws(HeaderError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let scalar = current, let digit = scalar.properties.isASCIIHexDigit
                ? UInt32(String(scalar), radix: 16) : nil else {
                throw error("bad \\x, \\u or \\U escape in a string")
            }
            value = value << 4 | digit
            position += 1
        }
        guard let scalar = Unicode.Scalar(value) else { throw error("a string escape names no Unicode character") }
        return scalar
    }

    private mutating func parseInteger() throws(HeaderError) -> PythonLiteral {
        var negative = false
        if current == "-" || current == "+" {
            negative = current == "-"
            position += 1
            skipWhitespace()
        }
        var digits = ""
        while let scalar = current, ("0"..."9").contains(scalar) {
            digits.unicodeScalars.append(scalar)
            position += 1
        }
        guard !digits.isEmpty else { throw error("expected digits") }
        if current == "L" || current == "l" { position += 1 }  // Python 2 long
        if let scalar = current, scalar.properties.isAlphabetic || scalar == "." || scalar == "_" {
            throw error("unexpected character '\(Character(scalar))' in a number")
        }
        let text = (negative ? "-" : "") + digits
        if let value = Int(text) { return .integer(value) }
        return .hugeInteger(text)
    }

    private mutating func parseName() throws(HeaderError) -> PythonLiteral {
        let start = position
        while let scalar = current, scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar) {
            position += 1
        }
        let name = String(String.UnicodeScalarView(scalars[start..<position]))
        switch name {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default:
            position = start
            throw error("unexpected name '\(name.prefix(40))' (only literals are allowed)")
        }
    }
}
