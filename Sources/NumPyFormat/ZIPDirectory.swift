import FaceAtlasCore
import Foundation

/// The table of contents of a ZIP archive (its end record and central directory),
/// read with every offset and size checked against the archive, so that a corrupt or
/// hostile archive is refused before any entry is extracted.
///
/// Entry data is decompressed with ZIPFoundation (see `NPZArchive`). The table of
/// contents is read here rather than by `ZIPFoundation.Archive` because that reader
/// trusts sizes and offsets from the file (it can trap on crafted ZIP64 values and
/// spin forever on a truncated deflate stream), and it does not expose where an
/// entry's data starts.
struct ZIPDirectory {
    /// The entries, in central directory order.
    var entries: [ZIPEntry]
    /// Where the central directory starts; all entry data lies before it.
    var centralDirectoryOffset: Int

    /// The largest central directory accepted.
    static let maxCentralDirectorySize = 64 << 20

    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let localSignature: UInt32 = 0x0403_4B50

    /// Reads the table of contents of the archive in `source`, refusing more than `maxEntries` entries.
    init(reading source: ByteSource, maxEntries: Int) throws(ZIPError) {
        // End of central directory record: 22 bytes plus a comment of up to 65535 bytes.
        let tailLength = min(source.size, 22 + 0xFFFF)
        let tailStart = source.size - tailLength
        let tail = LittleEndianReader(try source.read(at: tailStart, count: tailLength))
        var endOffset: Int?
        var candidate = tail.count - 22
        while candidate >= 0 {
            if tail.u32(candidate) == Self.endSignature, candidate + 22 + Int(tail.u16(candidate + 20)) <= tail.count {
                endOffset = candidate
                break
            }
            candidate -= 1
        }
        guard let endOffset else {
            let head = try source.read(at: 0, count: min(source.size, 8))
            if let kind = FileSignature.name(of: head) { throw ZIPError("is \(kind), not a ZIP archive (.npz)") }
            throw ZIPError("not a ZIP archive, or a truncated one: it has no end of central directory record")
        }
        var entryCount = Int(tail.u16(endOffset + 10))
        var directorySize = Int(tail.u32(endOffset + 12))
        var directoryOffset = Int(tail.u32(endOffset + 16))
        var directoryEnd = tailStart + endOffset  // the central directory must end before this

        // ZIP64: a locator just before the end record points to a 64-bit end record.
        let locatorOffset = tailStart + endOffset - 20
        let needsZIP64 = entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF
        if locatorOffset >= 0, let locator = try? LittleEndianReader(source.read(at: locatorOffset, count: 20)),
           locator.u32(0) == Self.zip64LocatorSignature {
            guard let recordOffset = Int(exactly: locator.u64(8)), recordOffset <= locatorOffset - 56 else {
                throw ZIPError("the archive is corrupt: its ZIP64 end record locator points outside the archive")
            }
            let record = LittleEndianReader(try source.read(at: recordOffset, count: 56))
            guard record.u32(0) == Self.zip64EndSignature else {
                throw ZIPError("the archive is corrupt: its ZIP64 end record is missing")
            }
            guard let count = Int(exactly: record.u64(32)), let size = Int(exactly: record.u64(40)),
                  let offset = Int(exactly: record.u64(48)) else {
                throw ZIPError("the archive is corrupt: its ZIP64 end record holds impossible sizes")
            }
            (entryCount, directorySize, directoryOffset, directoryEnd) = (count, size, offset, recordOffset)
        } else if needsZIP64 {
            throw ZIPError("the archive is corrupt: its ZIP64 end record is missing")
        }

        guard entryCount <= maxEntries else {
            throw ZIPError("the archive has \(entryCount) entries; FaceAtlas reads at most \(maxEntries)")
        }
        guard directorySize <= Self.maxCentralDirectorySize else {
            throw ZIPError("the archive's central directory is \(directorySize) bytes; "
                           + "FaceAtlas reads at most \(Self.maxCentralDirectorySize)")
        }
        let (end, overflow) = directoryOffset.addingReportingOverflow(directorySize)
        guard !overflow, end <= directoryEnd else {
            throw ZIPError("the archive is truncated or corrupt: its central directory lies outside the archive")
        }
        let directory = LittleEndianReader(try source.read(at: directoryOffset, count: directorySize))

        var entries: [ZIPEntry] = []
        entries.reserveCapacity(entryCount)
        var position = 0
        for index in 0..<entryCount {
            let entry = try Self.readCentralRecord(directory, at: &position, index: index)
            entries.append(entry)
        }
        self.entries = entries
        self.centralDirectoryOffset = directoryOffset
    }

    /// Reads the central directory record at `position` and moves past it.
    private static func readCentralRecord(_ directory: LittleEndianReader, at position: inout Int, index: Int)
        throws(ZIPError) -> ZIPEntry {
        let corrupt = ZIPError("the archive is truncated or corrupt: central directory record \(index + 1) is damaged")
        guard position + 46 <= directory.count, directory.u32(position) == centralSignature else { throw corrupt }
        let flags = directory.u16(position + 8)
        let method = directory.u16(position + 10)
        let crc32 = directory.u32(position + 16)
        var compressedSize = UInt64(directory.u32(position + 20))
        var uncompressedSize = UInt64(directory.u32(position + 24))
        let nameLength = Int(directory.u16(position + 28))
        let extraLength = Int(directory.u16(position + 30))
        let commentLength = Int(directory.u16(position + 32))
        let diskStart = directory.u16(position + 34)
        var localOffset = UInt64(directory.u32(position + 42))
        let recordEnd = position + 46 + nameLength + extraLength + commentLength
        guard recordEnd <= directory.count else { throw corrupt }
        let nameBytes = directory.bytes(position + 46, nameLength)
        let name = decodeName(nameBytes, utf8Flag: flags & 0x0800 != 0)
        let extra = LittleEndianReader(Data(directory.bytes(position + 46 + nameLength, extraLength)))
        position = recordEnd

        // ZIP64 extended information replaces the fields that are all ones, in this order.
        if uncompressedSize == 0xFFFF_FFFF || compressedSize == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF
            || diskStart == 0xFFFF {
            guard let field = extra.field(id: 0x0001) else {
                throw ZIPError("the archive is corrupt: the entry's ZIP64 sizes are missing", entry: name)
            }
            var cursor = field.lowerBound
            func next() throws(ZIPError) -> UInt64 {
                guard cursor + 8 <= field.upperBound else {
                    throw ZIPError("the archive is corrupt: the entry's ZIP64 sizes are missing", entry: name)
                }
                defer { cursor += 8 }
                return extra.u64(cursor)
            }
            if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try next() }
            if compressedSize == 0xFFFF_FFFF { compressedSize = try next() }
            if localOffset == 0xFFFF_FFFF { localOffset = try next() }
        }
        guard flags & 0x0041 == 0 else {
            throw ZIPError("the entry is encrypted, which FaceAtlas does not support", entry: name)
        }
        guard method == ZIPEntry.stored || method == ZIPEntry.deflated else {
            throw ZIPError("the entry uses compression method \(method); FaceAtlas reads stored and deflated entries",
                           entry: name)
        }
        guard let compressed = Int(exactly: compressedSize), let uncompressed = Int(exactly: uncompressedSize),
              let offset = Int(exactly: localOffset) else {
            throw ZIPError("the archive is corrupt: the entry has impossible sizes or offsets", entry: name)
        }
        return ZIPEntry(name: name, nameBytes: nameBytes, method: method, crc32: crc32,
                        compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: offset)
    }

    /// Where the data of `entry` starts in `source`, after checking its local header and
    /// that its compressed bytes lie before the central directory.
    func dataOffset(of entry: ZIPEntry, in source: ByteSource) throws(ZIPError) -> Int {
        let corrupt = ZIPError("the archive is truncated or corrupt: the entry's local header is damaged",
                               entry: entry.name)
        guard entry.localHeaderOffset <= centralDirectoryOffset - 30,
              let header = try? LittleEndianReader(source.read(at: entry.localHeaderOffset, count: 30)),
              header.u32(0) == Self.localSignature else { throw corrupt }
        let nameLength = Int(header.u16(26))
        let extraLength = Int(header.u16(28))
        let nameStart = entry.localHeaderOffset + 30
        let start = nameStart + nameLength + extraLength
        guard start <= centralDirectoryOffset,
              let name = try? source.read(at: nameStart, count: nameLength) else { throw corrupt }
        guard Array(name) == entry.nameBytes else {
            throw ZIPError("the archive is corrupt: the entry's local header names a different file", entry: entry.name)
        }
        let (end, overflow) = start.addingReportingOverflow(entry.compressedSize)
        guard !overflow, end <= centralDirectoryOffset else {
            throw ZIPError("the archive is truncated or corrupt: the entry's data runs past the end of the archive",
                           entry: entry.name)
        }
        return start
    }

    /// An entry name: UTF-8 when flagged (or when it is valid UTF-8), otherwise code page 437.
    static func decodeName(_ bytes: [UInt8], utf8Flag: Bool) -> String {
        if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
        if utf8Flag { return String(decoding: bytes, as: UTF8.self) }  // repaired with U+FFFD
        var name = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte < 0x80 ? UInt32(byte) : UInt32(codePage437High[Int(byte - 0x80)])
            name.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(name)
    }

    /// Code page 437, bytes 0x80 to 0xFF.
    private static let codePage437High: [UInt16] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
        0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
        0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
        0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
    ]
}
