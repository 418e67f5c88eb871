import FaceAtlasCore
import Foundation
import Testing
@testable import Imaging

/// A minimal PNG writer independent of libpng: stored (uncompressed) deflate blocks, filter 0,
/// any bit depth and colour type, and whatever ancillary chunks a test wants. It produces
/// files that other tools might write, to check how FaceAtlas reads them.
enum ForeignPNG {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(crc32(typed))
    }

    /// A zlib stream of stored blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + be32(b << 16 | a)
    }

    /// A PNG from packed rows (without filter bytes).
    static func make(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]], chunks: [[UInt8]] = []) -> Data {
        let header = be32(UInt32(width)) + be32(UInt32(height)) + [bitDepth, colorType, 0, 0, 0]
        var raw: [UInt8] = []
        for row in rows { raw.append(0); raw += row }
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += chunk("IHDR", header)
        for c in chunks { bytes += c }
        bytes += chunk("IDAT", zlibStored(raw))
        bytes += chunk("IEND", [])
        return Data(bytes)
    }

    static func rows16(_ samples: [UInt16], perRow: Int) -> [[UInt8]] {
        stride(from: 0, to: samples.count, by: perRow).map { start in
            samples[start..<(start + perRow)].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }
    }
}

@Suite("PNGs from other writers")
struct ForeignPNGTests {
    let ramp: [UInt16] = (0..<64).map { UInt16($0 * 1040) }

    @Test("16-bit files without gamma are read as stored")
    func untagged16() throws {
        let data = ForeignPNG.make(width: 8, height: 8, bitDepth: 16, colorType: 0, rows: ForeignPNG.rows16(ramp, perRow: 8))
        #expect(try PNG.decode16(data, source: "ramp").samples == ramp)
        #expect(try PNG.decode(data, source: "ramp").pixels == ramp.map { UInt8((UInt32($0) + 128) / 257) })
    }

    @Test("gamma and colour-space chunks do not change the samples", arguments: [
        ForeignPNG.chunk("sRGB", [0]),
        ForeignPNG.chunk("gAMA", ForeignPNG.be32(45455)),
        ForeignPNG.chunk("gAMA", ForeignPNG.be32(100_000)),
        ForeignPNG.chunk("iCCP", Array("profile".utf8) + [0, 0, 0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]),
    ])
    func taggedFiles(tag: [UInt8]) throws {
        let rgb = ramp.flatMap { [$0, 65535 - $0, $0 / 2] }
        let data16 = ForeignPNG.make(width: 8, height: 8, bitDepth: 16, colorType: 2, rows: ForeignPNG.rows16(rgb, perRow: 24), chunks: [tag])
        #expect(try PNG.decode16(data16, source: "tagged16").samples == rgb)
        #expect(try PNG.decode(data16, source: "tagged16").pixels == rgb.map { UInt8((UInt32($0) + 128) / 257) })
        let gray: [UInt8] = (0..<64).map { UInt8($0 * 4) }
        let data8 = ForeignPNG.make(width: 8, height: 8, bitDepth: 8, colorType: 0,
                                    rows: stride(from: 0, to: 64, by: 8).map { Array(gray[$0..<($0 + 8)]) }, chunks: [tag])
        #expect(try PNG.decode(data8, source: "tagged8").pixels == gray)
        #expect(try PNG.decode16(data8, source: "tagged8").samples == gray.map { UInt16($0) * 257 })
    }

    @Test("palette images become RGB, or RGBA with transparency")
    func palette() throws {
        let plte = ForeignPNG.chunk("PLTE", [255, 0, 0, 0, 255, 0, 0, 0, 255])
        let rows: [[UInt8]] = [[0, 1, 2], [2, 1, 0]]
        let opaque = try PNG.decode(ForeignPNG.make(width: 3, height: 2, bitDepth: 8, colorType: 3, rows: rows, chunks: [plte]), source: "p")
        #expect(opaque.channels == 3)
        #expect(opaque.pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0])
        let trns = ForeignPNG.chunk("tRNS", [255, 128, 0])
        let clear = try PNG.decode(ForeignPNG.make(width: 3, height: 2, bitDepth: 8, colorType: 3, rows: rows, chunks: [plte, trns]), source: "p")
        #expect(clear.channels == 4)
        #expect(Array(clear.pixels.prefix(12)) == [255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0])
    }

    @Test("low bit depths expand to 8 bits")
    func lowBitDepth() throws {
        // 1-bit gray, 8 pixels in one byte: 1010 0011.
        let image = try PNG.decode(ForeignPNG.make(width: 8, height: 1, bitDepth: 1, colorType: 0, rows: [[0b1010_0011]]), source: "bits")
        #expect(image.pixels == [255, 0, 255, 0, 0, 0, 255, 255])
    }

    @Test("a bad CRC is reported")
    func badCRC() throws {
        var bytes = [UInt8](ForeignPNG.make(width: 2, height: 2, bitDepth: 8, colorType: 0, rows: [[1, 2], [3, 4]]))
        bytes[29] ^= 0xFF  // the IHDR CRC
        let error = #expect(throws: FileError.self) { try PNG.decode(Data(bytes), source: "crc.png") }
        #expect(error?.path == "crc.png")
    }
}
