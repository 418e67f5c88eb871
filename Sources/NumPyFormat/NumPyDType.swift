import Foundation

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
