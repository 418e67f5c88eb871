import Foundation

/// A value of a FlatBuffer to write: tables by field index, vectors, strings and scalars (tests only).
indirect enum FlatValue {
    case int8(Int8), uint8(UInt8), int16(Int16), uint16(UInt16), int32(Int32), uint32(UInt32), float(Float)
    case string(String)
    case int32s([Int32])
    case int64s([Int64])
    case floats([Float])
    case bytes([UInt8])
    case tables([FlatValue])
    case table([Int: FlatValue])

    /// Bytes the value takes inside its table (references take a 4-byte offset).
    var inlineSize: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        default: 4
        }
    }
}

/// Writes FlatBuffers front to back, for crafting test models (the reader must accept any valid layout).
///
/// Every referenced object is placed after the table or vector that refers to it, so that offsets
/// point forward as the format requires; each table's vtable sits just before the table.
struct FlatBufferWriter {
    private(set) var bytes: [UInt8] = []

    /// A whole file: the root offset, the four-byte identifier, then `root`.
    static func file(_ root: FlatValue, identifier: String = "TFL3") -> [UInt8] {
        var writer = FlatBufferWriter()
        writer.put(UInt32(0))
        writer.bytes += Array(identifier.utf8.prefix(4))
        let position = writer.place(root)
        writer.patch(0, UInt32(position))
        return writer.bytes
    }

    private mutating func align(_ n: Int) { while bytes.count % n != 0 { bytes.append(0) } }

    private mutating func put<T: FixedWidthInteger>(_ value: T) {
        for k in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
    }

    private mutating func patch(_ at: Int, _ value: UInt32) {
        for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
    }

    private mutating func reference(from at: Int, to child: FlatValue) {
        let position = place(child)
        patch(at, UInt32(position - at))
    }

    private mutating func placeScalar(_ value: FlatValue) {
        switch value {
        case .int8(let v): put(v)
        case .uint8(let v): put(v)
        case .int16(let v): put(v)
        case .uint16(let v): put(v)
        case .int32(let v): put(v)
        case .uint32(let v): put(v)
        case .float(let v): put(v.bitPattern)
        default: put(UInt32(0))  // a reference, patched once its target is placed
        }
    }

    private static func isReference(_ value: FlatValue) -> Bool {
        switch value {
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .float: false
        default: true
        }
    }

    /// Places `value` and returns its position.
    @discardableResult
    mutating func place(_ value: FlatValue) -> Int {
        switch value {
        case .table(let fields):
            let order = fields.keys.sorted()
            var offsets: [Int: Int] = [:]
            var offset = 4
            for index in order {
                let size = fields[index]!.inlineSize
                offset = (offset + size - 1) / size * size
                offsets[index] = offset
                offset += size
            }
            let tableSize = (offset + 3) / 4 * 4
            align(4)
            let vtable = bytes.count
            let vtableSize = 4 + 2 * ((order.last ?? -1) + 1)
            put(UInt16(vtableSize))
            put(UInt16(tableSize))
            for index in 0..<((order.last ?? -1) + 1) { put(UInt16(offsets[index] ?? 0)) }
            align(4)
            let table = bytes.count
            put(Int32(table - vtable))
            for index in order {
                while bytes.count < table + offsets[index]! { bytes.append(0) }
                placeScalar(fields[index]!)
            }
            while bytes.count < table + tableSize { bytes.append(0) }
            for index in order where Self.isReference(fields[index]!) {
                reference(from: table + offsets[index]!, to: fields[index]!)
            }
            return table
        case .string(let text):
            align(4)
            let position = bytes.count
            let utf8 = Array(text.utf8)
            put(UInt32(utf8.count))
            bytes += utf8
            bytes.append(0)
            return position
        case .int32s(let values):
            align(4)
            let position = bytes.count
            put(UInt32(values.count))
            values.forEach { put($0) }
            return position
        case .int64s(let values):
            align(8)
            if bytes.count % 8 == 0 { put(UInt32(0)) }  // the length sits just before 8-aligned elements
            let position = bytes.count
            put(UInt32(values.count))
            values.forEach { put($0) }
            return position
        case .floats(let values):
            align(4)
            let position = bytes.count
            put(UInt32(values.count))
            values.forEach { put($0.bitPattern) }
            return position
        case .bytes(let data):
            align(4)
            let position = bytes.count
            put(UInt32(data.count))
            bytes += data
            return position
        case .tables(let items):
            align(4)
            let position = bytes.count
            put(UInt32(items.count))
            for _ in items { put(UInt32(0)) }
            for (k, item) in items.enumerated() { reference(from: position + 4 + 4 * k, to: item) }
            return position
        default:
            fatalError("a scalar is placed inside its table")
        }
    }
}
