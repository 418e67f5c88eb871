import FaceAtlasCore
import Foundation

/// A parsed JSON document, for the readers of JSON landmark files.
enum JSONValue {
    case null
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `data` read from `path`.
    /// - Throws: `FileError` for an empty file or text that is not JSON.
    static func parse(_ data: Data, path: String) throws -> JSONValue {
        guard data.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            throw FileError(path, "the file is empty")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw FileError(path, "the file is not valid JSON (truncated?): \(error.localizedDescription)")
        }
        return JSONValue(object)
    }

    private init(_ object: Any) {
        switch object {
        case is NSNull: self = .null
        case let string as String: self = .string(string)
        case let number as NSNumber:
            // Booleans arrive as NSNumber too (true is 1); no reader here needs to tell them apart.
            self = .number(number.doubleValue)
        case let array as [Any]: self = .array(array.map(JSONValue.init))
        case let dictionary as [String: Any]: self = .object(dictionary.mapValues(JSONValue.init))
        default: self = .null
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let dictionary) = self { return dictionary[key] }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    var object: [String: JSONValue]? {
        if case .object(let dictionary) = self { return dictionary }
        return nil
    }

    /// A number; `null` is NaN (how menpo writes a missing coordinate).
    var numberOrNaN: Double? {
        switch self {
        case .number(let value): return value
        case .null: return .nan
        default: return nil
        }
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
