import Foundation

/// The kind of value one element of a NumPy array holds.
///
/// These are the element types FaceAtlas reads and writes; anything else (object
/// arrays, complex numbers, half floats, byte strings, dates, structured records)
/// is refused when read.
public enum NumPyScalarType: Sendable, Equatable, Hashable {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64
    /// A fixed-width unicode string of `length` characters, stored as UTF-32 code
    /// units and padded with NUL (NumPy's `U<length>`).
    case unicode(length: Int)

    /// The number of bytes one element takes (`Int.max` if a unicode length is absurd).
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        case .unicode(let length):
            let (bytes, overflow) = max(length, 0).multipliedReportingOverflow(by: 4)
            return overflow ? Int.max : bytes
        }
    }

    /// The size of the unit whose bytes are swapped between byte orders: the whole
    /// element for numbers, one UTF-32 code unit for strings.
    var swapUnit: Int {
        if case .unicode = self { return 4 }
        return itemSize
    }

    /// Whether the byte order matters for this type (it does not for one-byte types).
    public var hasByteOrder: Bool { swapUnit > 1 }

    /// Whether the values are numbers or booleans (not strings).
    public var isNumeric: Bool {
        if case .unicode = self { return false }
        return true
    }

    /// A short human name, for messages: "float32", "unicode (12 characters)".
    public var name: String {
        switch self {
        case .bool: return "bool"
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .int16: return "int16"
        case .uint16: return "uint16"
        case .int32: return "int32"
        case .uint32: return "uint32"
        case .int64: return "int64"
        case .uint64: return "uint64"
        case .float32: return "float32"
        case .float64: return "float64"
        case .unicode(let length): return "unicode (\(length) characters)"
        }
    }

    /// The type letter and size of a NumPy type string ("f4", "b1", "U12").
    var code: String {
        switch self {
        case .bool: return "b1"
        case .int8: return "i1"
        case .uint8: return "u1"
        case .int16: return "i2"
        case .uint16: return "u2"
        case .int32: return "i4"
        case .uint32: return "u4"
        case .int64: return "i8"
        case .uint64: return "u8"
        case .float32: return "f4"
        case .float64: return "f8"
        case .unicode(let length): return "U\(length)"
        }
    }
}
