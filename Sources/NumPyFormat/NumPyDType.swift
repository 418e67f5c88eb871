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

/// The element type of a NumPy array together with its byte order, as written in the
/// `descr` field of a `.npy` header ("<f4", ">i8", "|b1", "<U12").
public struct NumPyDType: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The kind of value an element holds.
    public var scalar: NumPyScalarType {
        didSet { if !scalar.hasByteOrder { bigEndian = false } }
    }
    /// Whether multi-byte values are stored most significant byte first. Always
    /// `false` for one-byte types, whose byte order does not matter.
    public var bigEndian: Bool {
        didSet { if !scalar.hasByteOrder { bigEndian = false } }
    }

    /// Creates a type; `bigEndian` is ignored for one-byte types.
    public init(_ scalar: NumPyScalarType, bigEndian: Bool = false) {
        self.scalar = scalar
        self.bigEndian = scalar.hasByteOrder && bigEndian
    }

    /// The NumPy type string: "<" or ">" for the byte order ("|" where it does not
    /// matter), then the type letter and size, as NumPy writes it.
    public var descr: String {
        let order = scalar.hasByteOrder ? (bigEndian ? ">" : "<") : "|"
        return order + scalar.code
    }

    /// The number of bytes one element takes.
    public var itemSize: Int { scalar.itemSize }

    public var description: String { descr }

    /// The largest unicode width accepted from a file, in characters.
    static let maxUnicodeLength = 1 << 28

    /// Parses a NumPy type string such as "<f4", ">i8", "|b1", "<U12" or "f8".
    ///
    /// Only the canonical letter-and-size forms NumPy writes to files are accepted.
    ///
    /// The byte order may be "<" (little), ">" (big), "=" (native, little on the
    /// platforms FaceAtlas runs on), "|" (not applicable) or absent.
    /// - Throws: `NumPyDTypeError` for object arrays (which need pickle) and for any
    ///   type FaceAtlas does not support.
    public init(descr: String) throws {
        var rest = Substring(descr)
        var bigEndian = false
        if let first = rest.first, "<>=|".contains(first) {
            bigEndian = first == ">"
            rest = rest.dropFirst()
        }
        guard let letter = rest.first else { throw NumPyDTypeError(descr: descr, reason: .unknown) }
        let size = rest.dropFirst()
        if letter == "O" { throw NumPyDTypeError(descr: descr, reason: .object) }
        let scalar: NumPyScalarType
        switch (letter, size) {
        case ("b", "1"): scalar = .bool
        case ("i", "1"): scalar = .int8
        case ("u", "1"): scalar = .uint8
        case ("i", "2"): scalar = .int16
        case ("u", "2"): scalar = .uint16
        case ("i", "4"): scalar = .int32
        case ("u", "4"): scalar = .uint32
        case ("i", "8"): scalar = .int64
        case ("u", "8"): scalar = .uint64
        case ("f", "4"): scalar = .float32
        case ("f", "8"): scalar = .float64
        case ("U", _):
            guard !size.isEmpty, size.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw NumPyDTypeError(descr: descr, reason: .unknown)
            }
            guard size.count <= 10, let length = Int(size), length <= Self.maxUnicodeLength else {
                throw NumPyDTypeError(descr: descr, reason: .tooWide)
            }
            scalar = .unicode(length: length)
        default:
            throw NumPyDTypeError(descr: descr, reason: .unknown)
        }
        self.init(scalar, bigEndian: bigEndian)
    }
}

/// A `descr` that FaceAtlas cannot read.
public struct NumPyDTypeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why a type string is refused.
    public enum Reason: Sendable, Equatable {
        /// An object array ("|O"): reading it would need pickle.
        case object
        /// A type string FaceAtlas does not know or support.
        case unknown
        /// A unicode type wider than FaceAtlas accepts.
        case tooWide
    }

    /// The type string as found.
    public var descr: String
    /// Why it is refused.
    public var reason: Reason

    public var description: String {
        let quoted = "'\(descr.count > 40 ? String(descr.prefix(40)) + "…" : descr)'"
        switch reason {
        case .object:
            return "the array has dtype \(quoted): object arrays need pickle, which FaceAtlas never runs"
        case .unknown:
            return "unsupported dtype \(quoted) (FaceAtlas reads bool, int8 to int64, uint8 to uint64, "
                + "float32, float64 and fixed-width unicode)"
        case .tooWide:
            return "unsupported dtype \(quoted): unicode strings wider than \(NumPyDType.maxUnicodeLength) characters"
        }
    }
}
