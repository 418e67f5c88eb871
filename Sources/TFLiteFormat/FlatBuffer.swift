import Foundation

/// A problem in the bytes of a FlatBuffer: an offset outside the buffer, a vector longer than the
/// bytes that hold it, a string without its terminator.
///
/// Readers of files turn it into a `FileError` naming the file.
public struct FlatBufferError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The byte position the problem was found at.
    public var position: Int
    /// What is wrong.
    public var problem: String

    public var description: String { "at byte \(position): \(problem)" }
}

/// Bounds-checked random access to a FlatBuffer (flatbuffers.dev, "Internals").
///
/// A FlatBuffer is untrusted input here: every offset is checked against the buffer before it
/// is followed, every vector's length against the bytes left, and table references only point
/// forward (`uoffset_t` is unsigned), so that following them always terminates. Nothing is
/// copied: tables, vectors and strings are positions into ``bytes``.
public struct FlatBuffer: Sendable {
    /// The whole buffer, little-endian.
    public let bytes: [UInt8]

    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The root table (the `uoffset_t` at byte 0).
    public func root() throws -> Table {
        let offset = try uoffset(at: 0)
        return try table(at: offset)
    }

    /// The four-byte file identifier after the root offset, if the buffer is long enough.
    public var fileIdentifier: String? {
        guard bytes.count >= 8 else { return nil }
        return String(decoding: bytes[4..<8], as: UTF8.self)
    }

    // MARK: Scalars

    func check(_ position: Int, _ size: Int, _ what: @autoclosure () -> String) throws {
        guard position >= 0, size >= 0, position <= bytes.count - size else {
            throw FlatBufferError(position: position, problem: "\(what()) of \(size) bytes runs past the end of the \(bytes.count)-byte buffer")
        }
    }

    func load<T: FixedWidthInteger>(_: T.Type, at position: Int, _ what: @autoclosure () -> String = "a value") throws -> T {
        try check(position, MemoryLayout<T>.size, what())
        var value: T = 0
        for k in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: bytes[position + k]) << (8 * k) }
        return value
    }

    func uoffset(at position: Int) throws -> Int {
        let raw = try load(UInt32.self, at: position, "an offset")
        let target = position + Int(raw)
        guard raw > 0, target < bytes.count else {
            throw FlatBufferError(position: position, problem: "the offset \(raw) points outside the buffer")
        }
        return target
    }

    func table(at position: Int) throws -> Table {
        let relative = try load(Int32.self, at: position, "a table")
        let vtable = position - Int(relative)
        let vtableSize = Int(try load(UInt16.self, at: vtable, "a vtable"))
        let tableSize = Int(try load(UInt16.self, at: vtable + 2, "a vtable"))
        guard vtableSize >= 4, vtableSize % 2 == 0, tableSize >= 4 else {
            throw FlatBufferError(position: vtable, problem: "a vtable of \(vtableSize) bytes for a table of \(tableSize) bytes is malformed")
        }
        try check(vtable, vtableSize, "a vtable")
        try check(position, tableSize, "a table")
        return Table(buffer: self, position: position, vtable: vtable, fieldCount: (vtableSize - 4) / 2, size: tableSize)
    }

    /// A table: fields found through its vtable; absent fields take their schema default.
    public struct Table: Sendable {
        let buffer: FlatBuffer
        /// The table's byte position.
        public let position: Int
        let vtable: Int
        let fieldCount: Int
        let size: Int

        /// The byte position of field `index` (its order in the schema, counting a union as two), or nil when absent.
        func fieldPosition(_ index: Int, size fieldSize: Int) throws -> Int? {
            guard index < fieldCount else { return nil }
            let offset = Int(try buffer.load(UInt16.self, at: vtable + 4 + 2 * index, "a vtable entry"))
            guard offset != 0 else { return nil }
            guard offset + fieldSize <= size else {
                throw FlatBufferError(position: position, problem: "field \(index) at offset \(offset) lies outside its \(size)-byte table")
            }
            return position + offset
        }

        /// A scalar field, or `default` when absent.
        public func scalar<T: FixedWidthInteger>(_ index: Int, default value: T) throws -> T {
            guard let at = try fieldPosition(index, size: MemoryLayout<T>.size) else { return value }
            return try buffer.load(T.self, at: at)
        }

        /// A `float` field, or `default` when absent.
        public func float(_ index: Int, default value: Float) throws -> Float {
            Float(bitPattern: try scalar(index, default: value.bitPattern))
        }

        /// A `bool` field, or `default` when absent.
        public func bool(_ index: Int, default value: Bool) throws -> Bool {
            try scalar(index, default: UInt8(value ? 1 : 0)) != 0
        }

        func reference(_ index: Int) throws -> Int? {
            guard let at = try fieldPosition(index, size: 4) else { return nil }
            return try buffer.uoffset(at: at)
        }

        /// A sub-table field, or nil when absent.
        public func table(_ index: Int) throws -> Table? {
            guard let at = try reference(index) else { return nil }
            return try buffer.table(at: at)
        }

        /// A string field, or nil when absent.
        public func string(_ index: Int) throws -> String? {
            guard let at = try reference(index) else { return nil }
            let count = try buffer.vectorCount(at: at, elementSize: 1, extra: 1)
            guard buffer.bytes[at + 4 + count] == 0 else {
                throw FlatBufferError(position: at, problem: "a string of \(count) bytes has no terminating zero")
            }
            return String(decoding: buffer.bytes[(at + 4)..<(at + 4 + count)], as: UTF8.self)
        }

        /// A vector of scalars, or an empty array when absent.
        public func scalars<T: FixedWidthInteger>(_ index: Int, as _: T.Type) throws -> [T] {
            guard let at = try reference(index) else { return [] }
            let count = try buffer.vectorCount(at: at, elementSize: MemoryLayout<T>.size)
            return try (0..<count).map { try buffer.load(T.self, at: at + 4 + $0 * MemoryLayout<T>.size) }
        }

        /// A vector of floats, or an empty array when absent.
        public func floats(_ index: Int) throws -> [Float] {
            try scalars(index, as: UInt32.self).map(Float.init(bitPattern:))
        }

        /// The position and length of a `[ubyte]` field, or nil when absent.
        public func byteRange(_ index: Int) throws -> Range<Int>? {
            guard let at = try reference(index) else { return nil }
            let count = try buffer.vectorCount(at: at, elementSize: 1)
            return (at + 4)..<(at + 4 + count)
        }

        /// A vector of tables, or an empty array when absent.
        public func tables(_ index: Int) throws -> [Table] {
            guard let at = try reference(index) else { return [] }
            let count = try buffer.vectorCount(at: at, elementSize: 4)
            return try (0..<count).map { try buffer.table(at: try buffer.uoffset(at: at + 4 + 4 * $0)) }
        }
    }

    /// The length of the vector at `position`, checked against the bytes that follow it.
    func vectorCount(at position: Int, elementSize: Int, extra: Int = 0) throws -> Int {
        let count = Int(try load(UInt32.self, at: position, "a vector length"))
        let available = bytes.count - position - 4 - extra
        guard available >= 0, count <= available / elementSize else {
            throw FlatBufferError(position: position, problem: "a vector of \(count) elements of \(elementSize) bytes runs past the end of the \(bytes.count)-byte buffer")
        }
        return count
    }
}
