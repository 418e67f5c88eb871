import FaceAtlasCore
import Foundation

/// The NumPy `.npy` format: a magic string, a version, a header giving the dtype,
/// memory order and shape as a Python dict literal, then the raw element bytes.
///
/// Reads versions 1.0, 2.0 and 3.0, either byte order, C and Fortran order, 0-d and
/// empty arrays. Writes C order, little-endian, version 1.0 (2.0 if the header is too
/// long for 1.0, 3.0 if it cannot be written in Latin-1), with the data aligned to 64
/// bytes. Never evaluates anything: object arrays, which would need pickle, are refused.
public enum NPYFormat {
    /// The six bytes every `.npy` file starts with.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
    /// The longest header accepted, in bytes.
    public static let maxHeaderLength = 1 << 20
    /// The data of a written file starts at a multiple of this many bytes.
    public static let alignment = 64

    /// Decodes a `.npy` file held in `data`.
    /// - Parameter source: the file (or archive entry) the bytes came from, named in errors.
    /// - Throws: `FileError` naming `source` and what is wrong.
    public static func decode(_ data: Data, source: String) throws -> NumPyArray {
        try decode(data, path: source, location: nil)
    }

    /// Reads the `.npy` file at `url`.
    /// - Throws: `FileError` naming the file and what is wrong.
    public static func read(_ url: URL) throws -> NumPyArray {
        try decode(try AtomicFile.read(url), source: url.path)
    }

    /// Writes `array` to `url` as a `.npy` file, atomically.
    public static func write(_ array: NumPyArray, to url: URL) throws {
        try AtomicFile.write(encode(array), to: url)
    }

    /// Encodes `array` as a `.npy` file: C order, little-endian.
    ///
    /// - Precondition: `array.rawData` fits its shape and dtype (always true for arrays
    ///   made by the constructors or read from a file, unless changed since).
    public static func encode(_ array: NumPyArray) -> Data {
        let bytes: Data
        do {
            bytes = try array.canonicalBytes()
        } catch {
            preconditionFailure("NPYFormat.encode: \(error)")
        }
        let header = NPYHeader(descr: NumPyDType(array.dtype.scalar).descr, fortranOrder: false, shape: array.shape)
        var data = wrapHeader(header.text)
        data.append(bytes)
        return data
    }

    /// The magic, version, header length and padded header for a header dict `text`.
    static func wrapHeader(_ text: String) -> Data {
        let latin1 = text.unicodeScalars.allSatisfy { $0.value < 0x100 }
        let headerBytes = latin1 ? text.unicodeScalars.map { UInt8($0.value) } : Array(text.utf8)
        func padded(lengthFieldSize: Int) -> Int {
            let unpadded = magic.count + 2 + lengthFieldSize + headerBytes.count + 1  // + "\n"
            return headerBytes.count + (alignment - unpadded % alignment) % alignment + 1
        }
        var major: UInt8 = latin1 ? 1 : 3
        var length = padded(lengthFieldSize: major == 1 ? 2 : 4)
        if major == 1 && length > Int(UInt16.max) {
            major = 2
            length = padded(lengthFieldSize: 4)
        }
        var data = Data(magic)
        data.append(contentsOf: [major, 0])
        let length32 = UInt32(truncatingIfNeeded: length)
        data.append(contentsOf: [UInt8(length32 & 0xFF), UInt8(length32 >> 8 & 0xFF)])
        if major != 1 {
            data.append(contentsOf: [UInt8(length32 >> 16 & 0xFF), UInt8(length32 >> 24)])
        }
        data.append(contentsOf: headerBytes)
        data.append(contentsOf: [UInt8](repeating: 0x20, count: length - headerBytes.count - 1))
        data.append(0x0A)
        return data
    }

    /// Decodes `data`, naming `path` (and `location` inside it, for an archive entry) in errors.
    static func decode(_ data: Data, path: String, location: String?) throws -> NumPyArray {
        func failure(_ problem: String) -> FileError { FileError(path, problem, at: location) }
        let bytes = data.count
        let start = data.startIndex
        func byte(_ offset: Int) -> UInt8 { data[start + offset] }

        guard bytes > 0 else { throw failure("the file is empty") }
        guard bytes >= magic.count, (0..<magic.count).allSatisfy({ byte($0) == magic[$0] }) else {
            if bytes < magic.count && (0..<bytes).allSatisfy({ byte($0) == magic[$0] }) {
                throw failure("the file is truncated: it ends inside the .npy magic string")
            }
            throw failure("not a .npy file: it does not start with the magic string \"\\x93NUMPY\"")
        }
        guard bytes >= 8 else { throw failure("the file is truncated: it ends before the format version") }
        let version = (major: byte(6), minor: byte(7))
        let lengthFieldSize: Int
        switch version {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default:
            throw failure("unsupported .npy format version \(version.major).\(version.minor) (FaceAtlas reads 1.0, 2.0 and 3.0)")
        }
        let headerStart = 8 + lengthFieldSize
        guard bytes >= headerStart else { throw failure("the file is truncated: it ends inside the header length") }
        var headerLength = 0
        for index in 0..<lengthFieldSize {
            headerLength |= Int(byte(8 + index)) << (8 * index)
        }
        guard headerLength <= maxHeaderLength else {
            throw failure("the header is \(headerLength) bytes long; FaceAtlas accepts at most \(maxHeaderLength) (1 MiB)")
        }
        let headerEnd = headerStart + headerLength
        guard bytes >= headerEnd else {
            throw failure("the file is truncated: the header should be \(headerLength) bytes long, "
                          + "but the file ends after \(bytes - headerStart)")
        }
        let headerBytes = data[(start + headerStart)..<(start + headerEnd)]
        let text: String
        if version.major == 3 {
            guard let decoded = String(validating: headerBytes, as: UTF8.self) else {
                throw failure("the version 3.0 header is not valid UTF-8")
            }
            text = decoded
        } else {
            text = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }

        let header: NPYHeader
        do {
            header = try NPYHeader(parsing: text)
        } catch {
            throw failure("bad header: \(error.message)")
        }
        let dtype: NumPyDType
        do {
            dtype = try NumPyDType(descr: header.descr)
        } catch let error as NumPyDTypeError {
            throw failure(error.description)
        }
        let shapeText = NumPyArray.describe(header.shape)
        guard let count = NumPyArray.elementCount(header.shape),
              let dataLength = NumPyArray.byteCount(count: count, itemSize: dtype.itemSize) else {
            throw failure("the shape \(shapeText) with dtype \(dtype.descr) is too large to hold")
        }
        if dtype.itemSize == 0 && count > 0 {
            throw failure("the dtype \(dtype.descr) has zero-width elements, which FaceAtlas does not support")
        }
        let available = bytes - headerEnd
        if available < dataLength {
            throw failure("the file is truncated: shape \(shapeText) with dtype \(dtype.descr) needs "
                          + "\(dataLength) bytes of data, but only \(available) follow the header")
        }
        if available > dataLength {
            throw failure("\(available - dataLength) unexpected bytes follow the \(dataLength) bytes of data "
                          + "that shape \(shapeText) with dtype \(dtype.descr) needs")
        }
        let rawData = Data(data[(start + headerEnd)..<(start + headerEnd + dataLength)])
        return NumPyArray(unchecked: dtype, shape: header.shape, fortranOrder: header.fortranOrder, rawData: rawData)
    }
}
