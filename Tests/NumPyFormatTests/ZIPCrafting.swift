import Foundation

/// One entry of a hand-made ZIP archive; every field a reader trusts can be set to a lie.
struct CraftedEntry {
    var name: String
    /// The bytes written as the entry's data (already compressed if `method` says so).
    var data: [UInt8]
    var method: UInt16 = 0
    var flags: UInt16 = 0x0800
    /// The CRC-32 recorded; by default that of `data`.
    var crc: UInt32?
    /// The sizes recorded; by default the length of `data`.
    var uncompressedSize: UInt32?
    var compressedSize: UInt32?
    /// The name in the local header; by default `name`.
    var localName: String?
}

/// A ZIP archive of `entries`, written byte by byte so tests control every field.
func craftZIP(_ entries: [CraftedEntry]) -> Data {
    var out = [UInt8]()
    func u16(_ value: UInt16) { out += [UInt8(value & 0xFF), UInt8(value >> 8)] }
    func u32(_ value: UInt32) { u16(UInt16(value & 0xFFFF)); u16(UInt16(value >> 16)) }
    var offsets: [UInt32] = []
    for entry in entries {
        offsets.append(UInt32(out.count))
        let localName = Array((entry.localName ?? entry.name).utf8)
        u32(0x0403_4B50); u16(20); u16(entry.flags); u16(entry.method); u16(0); u16(0x21)
        u32(entry.crc ?? crc32(entry.data))
        u32(entry.compressedSize ?? UInt32(entry.data.count)); u32(entry.uncompressedSize ?? UInt32(entry.data.count))
        u16(UInt16(localName.count)); u16(0)
        out += localName
        out += entry.data
    }
    let directoryStart = out.count
    for (entry, offset) in zip(entries, offsets) {
        let name = Array(entry.name.utf8)
        u32(0x0201_4B50); u16(0x031E); u16(20); u16(entry.flags); u16(entry.method); u16(0); u16(0x21)
        u32(entry.crc ?? crc32(entry.data))
        u32(entry.compressedSize ?? UInt32(entry.data.count)); u32(entry.uncompressedSize ?? UInt32(entry.data.count))
        u16(UInt16(name.count)); u16(0); u16(0); u16(0); u16(0); u32(0o100644 << 16); u32(offset)
        out += name
    }
    let directorySize = out.count - directoryStart
    u32(0x0605_4B50); u16(0); u16(0); u16(UInt16(entries.count)); u16(UInt16(entries.count))
    u32(UInt32(directorySize)); u32(UInt32(directoryStart)); u16(0)
    return Data(out)
}

/// The CRC-32 (ZIP, zlib) of `bytes`.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// The offset of the first central directory record of `zip` (found by its signature).
func centralDirectoryOffset(_ zip: Data) -> Int? {
    let bytes = [UInt8](zip)
    guard bytes.count >= 4 else { return nil }
    return (0...(bytes.count - 4)).first { bytes[$0..<$0 + 4].elementsEqual([0x50, 0x4B, 0x01, 0x02]) }
}

extension Data {
    /// Overwrites the little-endian 32-bit value at `offset`.
    mutating func setUInt32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { self[startIndex + offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
