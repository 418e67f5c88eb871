import Foundation

/// Little-endian integers at offsets of a byte array; reads past the end give zero
/// bytes, so callers check lengths first but can never trap.
struct LittleEndianReader {
    private let storage: [UInt8]

    init(_ data: Data) { storage = [UInt8](data) }

    var count: Int { storage.count }

    func u8(_ offset: Int) -> UInt8 {
        offset >= 0 && offset < storage.count ? storage[offset] : 0
    }

    func u16(_ offset: Int) -> UInt16 {
        UInt16(u8(offset)) | UInt16(u8(offset + 1)) << 8
    }

    func u32(_ offset: Int) -> UInt32 {
        UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16
    }

    func u64(_ offset: Int) -> UInt64 {
        UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32
    }

    /// `count` bytes from `offset`, clipped to the storage.
    func bytes(_ offset: Int, _ count: Int) -> [UInt8] {
        let start = min(max(offset, 0), storage.count)
        let end = min(max(start, offset + count), storage.count)
        return Array(storage[start..<end])
    }

    /// The byte range of the data of the extra field with header `id`, if present.
    func field(id: UInt16) -> Range<Int>? {
        var position = 0
        while position + 4 <= count {
            let fieldID = u16(position)
            let size = Int(u16(position + 2))
            let end = position + 4 + size
            guard end <= count else { return nil }
            if fieldID == id { return (position + 4)..<end }
            position = end
        }
        return nil
    }
}
