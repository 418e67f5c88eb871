import Foundation
import Testing
@testable import Imaging

/// A PNG decoder written with nothing but Python's zlib and struct: checks the signature and
/// every chunk CRC, parses IHDR, inflates the IDAT stream and undoes the row filters. Prints
/// "width height bitDepth colorType" and then the raw samples (big-endian for 16-bit) in hex.
private let pythonDecoder = #"""
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
pos, idat, ihdr, ended = 8, b'', None, False
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
    assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in ' + kind.decode()
    if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT': idat += body
    elif kind == b'IEND': ended = True
    pos += 12 + length
assert ended, 'no IEND'
width, height, depth, ctype, comp, filt, interlace = ihdr
assert interlace == 0, 'interlaced'
channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
bpp = max(1, channels * depth // 8)
stride = (width * channels * depth + 7) // 8
raw = zlib.decompress(idat)
out, prev = bytearray(), bytearray(stride)
for y in range(height):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pred) & 255
        else: assert f == 0, 'bad filter'
    out += line
    prev = line
print(width, height, depth, ctype)
print(out.hex())
"""#

private func pythonAvailable() -> Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
}

/// Runs the Python decoder on `url`, returning its header fields and samples.
private func decodeWithPython(_ url: URL) throws -> (header: [Int], bytes: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", pythonDecoder, url.path]
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        Issue.record("python decoder failed: \(errorText)")
        return ([], [])
    }
    let lines = text.split(separator: "\n")
    let header = lines[0].split(separator: " ").compactMap { Int($0) }
    let hex: [UInt8] = lines.count > 1 ? Array(lines[1].utf8) : []
    var bytes = [UInt8]()
    bytes.reserveCapacity(hex.count / 2)
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
    for i in stride(from: 0, to: hex.count - 1, by: 2) {
        bytes.append(nibble(hex[i]) << 4 | nibble(hex[i + 1]))
    }
    return (header, bytes)
}

@Suite("PNG files read by an independent decoder", .enabled(if: pythonAvailable()))
struct PNGIndependentDecoderTests {
    @Test("8-bit files hold the exact samples", arguments: [1, 2, 3, 4])
    func eightBit(channels: Int) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("image.png")
        let image = noiseImage(width: 23, height: 11, channels: channels, seed: 50 + UInt64(channels))
        try PNG.write(image, to: url)
        let (header, bytes) = try decodeWithPython(url)
        let colorType = [1: 0, 2: 4, 3: 2, 4: 6][channels]!
        #expect(header == [23, 11, 8, colorType])
        #expect(bytes == image.pixels)
    }

    @Test("16-bit files hold the exact samples, big-endian", arguments: [1, 3])
    func sixteenBit(channels: Int) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("map.png")
        let image = noiseImage16(width: 13, height: 7, channels: channels, seed: 60 + UInt64(channels))
        try PNG.write(image, to: url)
        let (header, bytes) = try decodeWithPython(url)
        #expect(header == [13, 7, 16, channels == 1 ? 0 : 2])
        let expected = image.samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(bytes == expected)
    }
}
