import Foundation
import Testing
@testable import Imaging

@Suite("PNG round trips")
struct PNGRoundTripTests {
    @Test("8-bit images round-trip exactly", arguments: [1, 2, 3, 4])
    func eightBit(channels: Int) throws {
        let image = noiseImage(width: 37, height: 23, channels: channels, seed: UInt64(channels))
        let data = try PNG.encode(image)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let decoded = try PNG.decode(data, source: "memory")
        #expect(decoded == image)
    }

    @Test("16-bit gray and RGB round-trip exactly", arguments: [1, 3])
    func sixteenBit(channels: Int) throws {
        let image = noiseImage16(width: 29, height: 17, channels: channels, seed: 100 + UInt64(channels))
        let decoded = try PNG.decode16(try PNG.encode(image), source: "memory")
        #expect(decoded == image)
    }

    @Test("16-bit images with alpha keep alpha exactly and opaque colour exactly", arguments: [2, 4])
    func sixteenBitAlpha(channels: Int) throws {
        var image = noiseImage16(width: 16, height: 8, channels: channels, seed: 7)
        // Make the first row opaque: its colour must survive exactly.
        for x in 0..<image.width { image[x, 0, channels - 1] = 65535 }
        let decoded = try PNG.decode16(try PNG.encode(image), source: "memory")
        for i in stride(from: channels - 1, to: image.samples.count, by: channels) {
            #expect(decoded.samples[i] == image.samples[i])
        }
        #expect(decoded.samples[0..<(image.width * channels)] == image.samples[0..<(image.width * channels)])
    }

    @Test("depth conversion scales instead of applying a transfer curve")
    func depthConversion() throws {
        let image8 = noiseImage(width: 10, height: 10, channels: 3, seed: 3)
        let widened = try PNG.decode16(try PNG.encode(image8), source: "memory")
        #expect(widened == image8.to16Bit())
        let image16 = noiseImage16(width: 10, height: 10, channels: 1, seed: 4)
        let narrowed = try PNG.decode(try PNG.encode(image16), source: "memory")
        #expect(narrowed == image16.to8Bit())
        #expect(narrowed.to16Bit().to8Bit() == narrowed)
    }

    @Test("files are written atomically and read back")
    func files() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("nested/picture.png")
        let image = noiseImage(width: 8, height: 5, channels: 3, seed: 9)
        try PNG.write(image, to: url)
        #expect(try PNG.read(url) == image)
        let url16 = folder.appendingPathComponent("map.png")
        let image16 = noiseImage16(width: 8, height: 5, channels: 3, seed: 10)
        try PNG.write(image16, to: url16)
        #expect(try PNG.read16(url16) == image16)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}
