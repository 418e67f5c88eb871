import FaceAtlasCore
import Foundation
import Testing
@testable import NumPyFormat

private let goodHeader = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"

private func decode(_ data: Data) throws {
    _ = try NPYFormat.decode(data, source: "crafted.npy")
}

@Suite("Refusing bad .npy files")
struct NPYRefusalTests {
    @Test("a file without the magic string")
    func badMagic() {
        expectFileError("not a .npy file", path: "crafted.npy") { try decode(Data("hello, world".utf8)) }
        expectFileError("not a .npy file") { try decode(Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60))) }
        expectFileError("the file is empty") { try decode(Data()) }
        expectFileError("truncated") { try decode(Data([0x93, 0x4E, 0x55])) }
        expectFileError("truncated") { try decode(Data(NPYFormat.magic + [1])) }
    }

    @Test("unsupported format versions", arguments: [(4, 0), (1, 1), (0, 0), (2, 5), (255, 255)] as [(UInt8, UInt8)])
    func unsupportedVersion(major: UInt8, minor: UInt8) {
        expectFileError("unsupported .npy format version \(major).\(minor)") {
            try decode(craftNPY(header: goodHeader, version: (major, minor), data: [UInt8](repeating: 0, count: 12)))
        }
    }

    @Test("object arrays, which would need pickle")
    func objectArrays() {
        for descr in ["|O", "O", "<O8"] {
            let header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (2,), }"
            expectFileError("object arrays need pickle, which FaceAtlas never runs", path: "crafted.npy") {
                try decode(craftNPY(header: header, data: [UInt8](repeating: 0, count: 16)))
            }
        }
    }

    @Test("unknown or unsupported dtypes", arguments: ["<c16", "<f2", "|S3", "|V8", "<M8[ns]", "<i16", "x", ""])
    func unknownDescr(descr: String) {
        let header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }"
        expectFileError("unsupported dtype") { try decode(craftNPY(header: header, data: [UInt8](repeating: 0, count: 16))) }
    }

    @Test("data shorter or longer than the shape needs")
    func dataLengthMismatch() {
        expectFileError("truncated: shape (3,) with dtype <f4 needs 12 bytes of data, but only 11") {
            try decode(craftNPY(header: goodHeader, data: [UInt8](repeating: 0, count: 11)))
        }
        expectFileError("truncated") { try decode(craftNPY(header: goodHeader)) }
        expectFileError("5 unexpected bytes follow") {
            try decode(craftNPY(header: goodHeader, data: [UInt8](repeating: 0, count: 17)))
        }
        // A zero-size array has no data at all.
        let empty = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }"
        expectFileError("unexpected bytes") { try decode(craftNPY(header: empty, data: [0])) }
        #expect(throws: Never.self) { try decode(craftNPY(header: empty)) }
    }

    @Test("negative dimensions and shapes whose size overflows")
    func badShapes() {
        let shapes: [(String, String)] = [
            ("(-1,)", "negative"), ("(3, -2)", "negative"),
            ("(4294967296, 4294967296)", "too large to hold"),         // 2^64 elements
            ("(2305843009213693952,)", "too large to hold"),           // 2^61 × 8 bytes overflows
            ("(3037000500, 3037000500, 2)", "too large to hold"),
            ("(99999999999999999999999999,)", "too large to hold"),    // beyond Int64
            ("(-99999999999999999999999999,)", "negative"),
        ]
        for (shape, fragment) in shapes {
            let header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
            expectFileError(fragment) { try decode(craftNPY(header: header, data: [UInt8](repeating: 0, count: 8))) }
        }
        let zeroWidth = "{'descr': '<U0', 'fortran_order': False, 'shape': (1000000000000,), }"
        expectFileError("zero-width") { try decode(craftNPY(header: zeroWidth)) }
    }

    @Test("headers longer than 1 MiB are refused before they are read")
    func headerTooLong() {
        let declared = (1 << 20) + 1
        expectFileError("header is \(declared) bytes long; FaceAtlas accepts at most 1048576") {
            try decode(craftNPY(header: goodHeader, version: (2, 0), declaredLength: declared))
        }
        expectFileError("at most 1048576") {
            try decode(craftNPY(header: goodHeader, version: (3, 0), declaredLength: Int(UInt32.max)))
        }
        // Exactly 1 MiB is allowed (here it is simply truncated).
        expectFileError("truncated: the header should be 1048576 bytes long") {
            try decode(craftNPY(header: goodHeader, version: (2, 0), declaredLength: 1 << 20))
        }
    }

    @Test("truncated and malformed headers")
    func badHeaders() {
        expectFileError("truncated: the header should be 200 bytes long, but the file ends after") {
            try decode(craftNPY(header: goodHeader, declaredLength: 200))
        }
        expectFileError("ends inside the header length") { try decode(Data(NPYFormat.magic + [2, 0, 1, 0])) }
        let cases: [(String, String)] = [
            ("{'descr': '<f4', 'fortran_order': False}", "no 'shape'"),
            ("{'descr': '<f4', 'fortran_order': 'no', 'shape': (3,)}", "not True or False"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", "unexpected key"),
            ("{'descr': eval('1'), 'fortran_order': False, 'shape': (3,)}", "only literals"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", "ends inside the dict"),
            ("not a dict", "only literals"),
        ]
        for (header, fragment) in cases {
            let error = expectFileError(fragment) { try decode(craftNPY(header: header, data: [UInt8](repeating: 0, count: 12))) }
            #expect(error?.problem.hasPrefix("bad header: ") == true)
        }
        var invalidUTF8 = craftNPY(header: goodHeader, version: (3, 0), data: [UInt8](repeating: 0, count: 12))
        invalidUTF8[12 + 3] = 0xFF
        expectFileError("not valid UTF-8") { try decode(invalidUTF8) }
        // The same byte in a version 1.0 header is Latin-1 (ÿ), so the header is merely wrong.
        var latin1 = craftNPY(header: goodHeader, data: [UInt8](repeating: 0, count: 12))
        latin1[10 + 3] = 0xFF
        expectFileError("bad header") { try decode(latin1) }
    }

    @Test("a missing file is named")
    func missingFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("absent.npy")
        expectFileError("no such file", path: url.path) { _ = try NPYFormat.read(url) }
        let archive = folder.file("absent.npz")
        expectFileError("no such file", path: archive.path) { _ = try NPZArchive.read(archive) }
    }
}

@Suite("Refusing bad .npz archives")
struct NPZRefusalTests {
    private let array = NPYFormat.encode(NumPyArray(float32: [1, 2, 3], shape: [3]))

    private func entry(_ name: String, _ data: Data? = nil) -> CraftedEntry {
        CraftedEntry(name: name, data: [UInt8](data ?? array))
    }

    private func read(_ zip: Data, limits: NPZLimits = .default) throws {
        _ = try NPZArchive.read(data: zip, source: "crafted.npz", limits: limits)
    }

    @Test("the crafting helper makes archives the reader accepts")
    func craftedArchivesAreValid() throws {
        let arrays = try NPZArchive.read(data: craftZIP([entry("a.npy"), entry("dir/b.npy")]), source: "ok.npz")
        #expect(arrays.map(\.name) == ["a", "dir/b"])
        #expect(try arrays[1].array.floats() == [1, 2, 3])
    }

    @Test("duplicate entry names")
    func duplicates() {
        expectFileError("more than one entry with this name", path: "crafted.npz", location: "a.npy") {
            try read(craftZIP([entry("a.npy"), entry("b.npy"), entry("a.npy")]))
        }
    }

    @Test("absolute paths and '..' (path traversal)",
          arguments: ["../evil.npy", "a/../../evil.npy", "/etc/evil.npy", "C:/evil.npy", "\\evil.npy",
                      "a\\..\\..\\evil.npy", "..", "x/.."])
    func traversal(name: String) {
        let fragment = name.hasSuffix(".npy") ? "path traversal" : "not a .npy file"
        expectFileError(fragment, path: "crafted.npz", location: name) { try read(craftZIP([entry(name)])) }
    }

    @Test("entries that are not .npy files", arguments: ["readme.txt", "folder/", "data.npy.gz", "ARRAY.NPY"])
    func notNPY(name: String) {
        expectFileError("not a .npy file", location: name) { try read(craftZIP([entry("a.npy"), entry(name)])) }
    }

    @Test("an entry whose content is not a valid .npy file is named")
    func badEntryContent() {
        expectFileError("not a .npy file", path: "crafted.npz", location: "x.npy") {
            try read(craftZIP([entry("x.npy", Data("hello".utf8))]))
        }
        let objectArray = craftNPY(header: "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: Array(repeating: 0, count: 8))
        expectFileError("pickle", path: "crafted.npz", location: "obj.npy") {
            try read(craftZIP([entry("a.npy"), entry("obj.npy", objectArray)]))
        }
    }

    @Test("declared sizes beyond the limits are refused before anything is extracted")
    func declaredSizeLimits() {
        // The first entry is damaged; the limits must be checked before it is reached.
        var damaged = entry("a.npy")
        damaged.crc = 0
        let large = entry("b.npy", Data(count: 5_000))
        let zip = craftZIP([damaged, large])
        expectFileError("unpacks to 5000 bytes, more than the limit of 1000", location: "b.npy") {
            try read(zip, limits: NPZLimits(maxEntryBytes: 1000))
        }
        expectFileError("more than the limit of 5000 bytes", location: "b.npy") {
            try read(zip, limits: NPZLimits(maxTotalBytes: 5000))
        }
        expectFileError("has 2 entries; FaceAtlas reads at most 1") { try read(zip, limits: NPZLimits(maxEntries: 1)) }
        expectFileError("CRC-32", location: "a.npy") { try read(zip) }
    }

    @Test("a deflated entry that inflates beyond its declared size is stopped while streaming (zip bomb)")
    func lyingSizeIsStopped() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("bomb.npz")
        // 10 MB of zeros deflate to about 10 KB.
        let zeros = NumPyArray(float32: [Float](repeating: 0, count: 2_500_000), shape: [2_500_000])
        let npySize = NPYFormat.encode(zeros).count
        try NPZArchive.write([("zeros", zeros)], to: url, compressed: true)
        var zip = try Data(contentsOf: url)
        #expect(zip.count < 200_000)
        let directory = try #require(centralDirectoryOffset(zip))
        zip.setUInt32(1000, at: directory + 24)  // declared uncompressed size
        let started = Date()
        expectFileError("unpacks to more than the 1000 bytes its header declares", location: "zeros.npy") { try read(zip) }
        #expect(Date().timeIntervalSince(started) < 5)
        // Told the truth, the same archive is refused by the limits before it is inflated.
        expectFileError("more than the limit of 1000000", location: "zeros.npy") {
            _ = try NPZArchive.read(url, limits: NPZLimits(maxEntryBytes: 1_000_000))
        }
        // An entry declaring less than the limit but inflating past it is stopped too.
        zip.setUInt32(999_999, at: directory + 24)
        expectFileError("unpacks to more than the 999999 bytes", location: "zeros.npy") {
            try read(zip, limits: NPZLimits(maxEntryBytes: 1_000_000))
        }
        // And one declaring more than it holds is refused as corrupt.
        zip.setUInt32(UInt32(npySize + 8), at: directory + 24)
        expectFileError("unpacks to \(npySize) bytes, not the \(npySize + 8) its header declares", location: "zeros.npy") {
            try read(zip)
        }
    }

    @Test("truncated archives are refused at every length")
    func truncated() throws {
        let folder = try TemporaryFolder()
        for compressed in [false, true] {
            let url = folder.file("t.npz")
            try NPZArchive.write([("a", NumPyArray(float64: [1, 2, 3, 4], shape: [2, 2])),
                                  ("b", NumPyArray(string: "meta"))], to: url, compressed: compressed)
            let zip = try Data(contentsOf: url)
            for length in 0..<zip.count {
                expectFileError("", path: "crafted.npz") { try read(zip.prefix(length)) }
            }
            expectFileError("no end of central directory record") { try read(zip.prefix(zip.count / 2)) }
        }
    }

    @Test("corrupt data, encryption, unknown compression and mismatched headers")
    func corrupt() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("c.npz")
        try NPZArchive.write([("a", NumPyArray(float64: Array(stride(from: 0, to: 100, by: 0.5)), shape: [200]))],
                             to: url, compressed: true)
        var zip = try Data(contentsOf: url)
        zip[zip.startIndex + 30 + 5 + 40] ^= 0xFF  // inside the deflate stream
        expectFileError("corrupt", location: "a.npy") { try read(zip) }

        var encrypted = entry("a.npy")
        encrypted.flags |= 1
        expectFileError("encrypted", location: "a.npy") { try read(craftZIP([encrypted])) }
        var bzip2 = entry("a.npy")
        bzip2.method = 12
        expectFileError("compression method 12", location: "a.npy") { try read(craftZIP([bzip2])) }
        var renamed = entry("a.npy")
        renamed.localName = "b.npy"
        expectFileError("names a different file", location: "a.npy") { try read(craftZIP([renamed])) }
        var badCRC = entry("a.npy")
        badCRC.crc = 12345
        expectFileError("CRC-32", location: "a.npy") { try read(craftZIP([badCRC])) }
        var disagreeing = entry("a.npy")
        disagreeing.uncompressedSize = UInt32(array.count - 1)
        expectFileError("sizes disagree", location: "a.npy") { try read(craftZIP([disagreeing])) }
        var overlong = entry("a.npy")
        overlong.compressedSize = 100_000
        overlong.uncompressedSize = 100_000
        expectFileError("runs past the end", location: "a.npy") { try read(craftZIP([overlong])) }
    }

    @Test("ZIP64 fields with impossible values")
    func zip64() throws {
        // A central record whose sizes point to a ZIP64 field that is missing.
        var missing = entry("a.npy")
        missing.uncompressedSize = 0xFFFF_FFFF
        expectFileError("ZIP64 sizes are missing", location: "a.npy") { try read(craftZIP([missing])) }
        // An end record that says ZIP64 without a ZIP64 end record.
        var zip = craftZIP([entry("a.npy")])
        zip.setUInt32(0xFFFF_FFFF, at: zip.count - 6)  // central directory offset
        expectFileError("ZIP64 end record is missing") { try read(zip) }
        // A ZIP64 locator pointing far beyond the archive.
        var located = craftZIP([entry("a.npy")])
        let end = located.count - 22
        var locator = Data([0x50, 0x4B, 0x06, 0x07, 0, 0, 0, 0])
        locator.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 1, 0, 0, 0])
        located.insert(contentsOf: locator, at: end)
        expectFileError("locator points outside") { try read(located) }
    }

    @Test("inputs that crash or hang ZIPFoundation's own reader are refused")
    func zipFoundationHazards() {
        // A deflate stream that opens a 65,535-byte stored block and then ends: ZIPFoundation's
        // Archive.extract spins forever on it (its inflate loop keeps reading empty chunks at EOF).
        var truncatedStream = CraftedEntry(name: "a.npy", data: [0x00, 0xFF, 0xFF, 0x00, 0x00, 1, 2, 3])
        truncatedStream.method = 8
        truncatedStream.uncompressedSize = 70_000
        expectFileError("more than deflate can produce", location: "a.npy") { try read(craftZIP([truncatedStream])) }
        truncatedStream.uncompressedSize = 100
        expectFileError("compressed data ends too soon", location: "a.npy") { try read(craftZIP([truncatedStream])) }
        // A complete stored block of 200 bytes in an entry that declares 100: inflation stops at byte 101.
        var overlong = CraftedEntry(name: "a.npy", data: [0x01, 0xC8, 0x00, 0x37, 0xFF] + [UInt8](repeating: 7, count: 200))
        overlong.method = 8
        overlong.uncompressedSize = 100
        expectFileError("unpacks to more than the 100 bytes", location: "a.npy") { try read(craftZIP([overlong])) }

        // A ZIP64 local header offset beyond Int64.max: iterating a ZIPFoundation Archive traps on it.
        var zip = craftZIP([entry("a.npy")])
        guard let directory = centralDirectoryOffset(zip) else {
            Issue.record("no central directory")
            return
        }
        zip.setUInt32(0xFFFF_FFFF, at: directory + 42)  // local header offset: see the ZIP64 field
        zip[zip.startIndex + directory + 30] = 12        // extra field length
        let extra: [UInt8] = [1, 0, 8, 0, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        zip.insert(contentsOf: extra, at: zip.startIndex + directory + 46 + 5)
        zip.setUInt32(UInt32(zip.count - 22 - directory), at: zip.count - 10)  // central directory size
        expectFileError("impossible sizes or offsets", location: "a.npy") { try read(zip) }
    }

    @Test("entry names are UTF-8 when flagged or valid, otherwise code page 437")
    func entryNames() throws {
        #expect(ZIPDirectory.decodeName(Array("größe.npy".utf8), utf8Flag: true) == "größe.npy")
        #expect(ZIPDirectory.decodeName(Array("größe.npy".utf8), utf8Flag: false) == "größe.npy")
        #expect(ZIPDirectory.decodeName([0x80, 0x41, 0xE1, 0xFF], utf8Flag: false) == "ÇAß\u{00A0}")
        #expect(ZIPDirectory.decodeName([0x41, 0xFF], utf8Flag: true) == "A\u{FFFD}")
        var legacy = entry("x.npy")
        legacy.flags = 0
        #expect(try NPZArchive.read(data: craftZIP([legacy]), source: "legacy.npz").map(\.name) == ["x"])
    }

    @Test("errors from a file name the file")
    func fileErrorsNameTheFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("dup.npz")
        try craftZIP([entry("a.npy"), entry("a.npy")]).write(to: url)
        expectFileError("more than one entry", path: url.path, location: "a.npy") { _ = try NPZArchive.read(url) }
        expectFileError("more than one entry", path: url.path) { _ = try NPZArchive.readDictionary(url) }
        try Data("not a zip".utf8).write(to: url)
        expectFileError("not a ZIP archive", path: url.path) { _ = try NPZArchive.read(url) }
    }
}
