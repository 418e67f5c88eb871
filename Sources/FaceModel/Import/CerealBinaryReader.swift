import FaceAtlasCore
import Foundation

/// Reads the primitives of a cereal `BinaryArchive` (little-endian, as written on x86 and ARM):
/// fixed-size integers and floats as their raw bytes, `bool` as one byte, container sizes and
/// string lengths as `uint64`, strings as their bytes without a terminator.
///
/// Every read checks that the bytes are there *before* anything is allocated, so a truncated
/// or corrupt file fails with a `FileError` naming the file, the offset and what was being read,
/// never with a crash or an absurd allocation.
struct CerealBinaryReader {
    let data: Data
    let path: String
    private(set) var offset = 0

    init(data: Data, path: String) {
        // A zero-based copy, so that offsets are plain indices (cheap: Data is copy-on-write).
        self.data = data.startIndex == 0 ? data : Data(data)
        self.path = path
    }

    /// Bytes not yet read.
    var remaining: Int { data.count - offset }

    /// An error at the current offset while reading `what`.
    func error(_ problem: String, reading what: String) -> FileError {
        FileError(path, problem, at: "byte \(offset) (\(what))")
    }

    /// Checks that `count` more bytes are there for `what`.
    func need(_ count: Int, for what: String) throws {
        guard count >= 0, count <= remaining else {
            throw error("the file is truncated: \(what) needs \(count) bytes, only \(remaining) remain", reading: what)
        }
    }

    /// `count · size` bytes for `count` items of `size` bytes, or an error if that overflows or runs past the end.
    func byteCount(_ count: Int, of size: Int, for what: String) throws -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        guard count >= 0, !overflow, bytes <= remaining else {
            throw error("impossible size: \(count) items of \(size) bytes, but only \(remaining) bytes remain in the file", reading: what)
        }
        return bytes
    }

    private mutating func load<T: FixedWidthInteger>(_: T.Type, _ what: String) throws -> T {
        let size = MemoryLayout<T>.size
        try need(size, for: what)
        let value = data.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        offset += size
        return value
    }

    mutating func uint8(_ what: String) throws -> UInt8 { try load(UInt8.self, what) }
    mutating func uint32(_ what: String) throws -> UInt32 { try load(UInt32.self, what) }
    mutating func int32(_ what: String) throws -> Int32 { try load(Int32.self, what) }
    mutating func uint64(_ what: String) throws -> UInt64 { try load(UInt64.self, what) }
    mutating func float32(_ what: String) throws -> Float { Float(bitPattern: try load(UInt32.self, what)) }
    mutating func float64(_ what: String) throws -> Double { Double(bitPattern: try load(UInt64.self, what)) }

    /// A C++ `bool`: one byte, 0 or 1.
    mutating func bool(_ what: String) throws -> Bool {
        let b = try uint8(what)
        guard b <= 1 else {
            offset -= 1
            throw error("expected a boolean (0 or 1), found \(b)", reading: what)
        }
        return b == 1
    }

    /// A cereal size tag (`uint64`) for a container whose items take at least `minimumItemSize`
    /// bytes each, checked against the bytes that remain.
    mutating func size(_ what: String, minimumItemSize: Int) throws -> Int {
        let start = offset
        let raw = try uint64(what)
        guard raw <= UInt64(Int.max) else {
            offset = start
            throw error("impossible size \(raw)", reading: what)
        }
        let n = Int(raw)
        if minimumItemSize > 0 {
            let (bytes, overflow) = n.multipliedReportingOverflow(by: minimumItemSize)
            guard !overflow, bytes <= remaining else {
                offset = start
                throw error("impossible size: \(n) items of at least \(minimumItemSize) bytes, but only \(remaining - 8) bytes remain in the file", reading: what)
            }
        }
        return n
    }

    /// A `std::string`: a size tag and the bytes (read as UTF-8, invalid bytes replaced).
    mutating func string(_ what: String) throws -> String {
        let n = try size(what, minimumItemSize: 1)
        let s = String(decoding: data[offset..<(offset + n)], as: UTF8.self)
        offset += n
        return s
    }

    /// `count` little-endian `float`s.
    mutating func floats(_ count: Int, _ what: String) throws -> [Float] {
        let bytes = try byteCount(count, of: 4, for: what)
        let start = offset
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self))) }
        }
        offset += bytes
        return values
    }

    /// `count` little-endian `double`s.
    mutating func doubles(_ count: Int, _ what: String) throws -> [Double] {
        let bytes = try byteCount(count, of: 8, for: what)
        let start = offset
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * $0, as: UInt64.self))) }
        }
        offset += bytes
        return values
    }

    /// `count` little-endian `int32`s.
    mutating func int32s(_ count: Int, _ what: String) throws -> [Int32] {
        let bytes = try byteCount(count, of: 4, for: what)
        let start = offset
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: Int32.self)) }
        }
        offset += bytes
        return values
    }

    /// Skips `count` bytes.
    mutating func skip(_ count: Int, _ what: String) throws {
        try need(count, for: what)
        offset += count
    }
}
