import Foundation

/// A problem in a ZIP archive, optionally naming the entry it concerns.
struct ZIPError: Error, Equatable {
    var problem: String
    var entry: String?

    init(_ problem: String, entry: String? = nil) {
        self.problem = problem
        self.entry = entry
    }
}

/// One file in a ZIP archive, as its central directory record describes it.
struct ZIPEntry: Equatable {
    /// The path inside the archive.
    var name: String
    /// The path as stored, to compare with the local header.
    var nameBytes: [UInt8]
    /// 0 (stored) or 8 (deflated).
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int

    static let stored: UInt16 = 0
    static let deflated: UInt16 = 8
}
