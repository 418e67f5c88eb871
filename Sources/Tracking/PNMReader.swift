import Foundation
import Imaging

/// Reads consecutive binary PGM (`P5`, gray) and PPM (`P6`, RGB) images, 8 bits per sample,
/// from a byte source: the stream that ffmpeg writes with `-f image2pipe -c:v pgm|ppm`.
///
/// Each image carries its own size in its header, so rotation, scaling and any other change
/// of size inside ffmpeg never desynchronizes the stream.
struct PNMReader {
    /// Fills the buffer it is given, returning fewer bytes only at the end of the stream.
    let readBytes: (UnsafeMutableRawBufferPointer) -> Int
    private var pending: [UInt8] = []
    private var pendingStart = 0

    init(readBytes: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        self.readBytes = readBytes
    }

    enum Failure: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self { case .malformed(let text): return text }
        }
    }

    /// The next image, or nil at the clean end of the stream.
    mutating func next() throws -> Image? {
        guard let magic = try token(atStart: true) else { return nil }
        let channels: Int
        switch magic {
        case "P5": channels = 1
        case "P6": channels = 3
        default: throw Failure.malformed("expected a PGM or PPM image header (P5 or P6), found '\(magic.prefix(8))'")
        }
        guard let w = try token().flatMap({ Int($0) }), let h = try token().flatMap({ Int($0) }),
              let maxValue = try token().flatMap({ Int($0) }) else {
            throw Failure.malformed("a truncated image header")
        }
        guard w > 0, h > 0, w <= 1 << 15, h <= 1 << 15 else { throw Failure.malformed("an image of \(w) × \(h) pixels") }
        guard maxValue == 255 else { throw Failure.malformed("\(maxValue) as the largest sample value (only 8-bit images are read)") }
        // Exactly one whitespace byte follows the last header number (consumed by token()).
        let count = w * h * channels
        var pixels = [UInt8](repeating: 0, count: count)
        var filled = 0
        let buffered = min(pending.count - pendingStart, count)
        if buffered > 0 {
            pixels.replaceSubrange(0..<buffered, with: pending[pendingStart..<(pendingStart + buffered)])
            pendingStart += buffered
            filled = buffered
        }
        if filled < count {
            let got = pixels.withUnsafeMutableBytes { raw in
                readBytes(UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            filled += got
        }
        guard filled == count else { throw Failure.malformed("an image cut short (\(filled) of \(count) bytes)") }
        return Image(width: w, height: h, channels: channels, pixels: pixels)
    }

    /// The next header token (skipping whitespace and `#` comments) and the one whitespace byte
    /// after it; nil at the end of the stream when `atStart` and nothing is left.
    private mutating func token(atStart: Bool = false) throws -> String? {
        var bytes: [UInt8] = []
        var inComment = false
        while true {
            guard let byte = nextByte() else {
                if bytes.isEmpty && atStart { return nil }
                if bytes.isEmpty { throw Failure.malformed("a truncated image header") }
                return String(decoding: bytes, as: UTF8.self)
            }
            if inComment {
                if byte == 0x0A || byte == 0x0D { inComment = false }
                continue
            }
            if byte == UInt8(ascii: "#") && bytes.isEmpty { inComment = true; continue }
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
            if isSpace {
                if bytes.isEmpty { continue }
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.append(byte)
            if bytes.count > 32 { throw Failure.malformed("a header token longer than 32 bytes") }
        }
    }

    private mutating func nextByte() -> UInt8? {
        if pendingStart >= pending.count {
            pending = [UInt8](repeating: 0, count: 64)
            let got = pending.withUnsafeMutableBytes { readBytes($0) }
            pending.removeSubrange(got...)
            pendingStart = 0
            if got == 0 { return nil }
        }
        defer { pendingStart += 1 }
        return pending[pendingStart]
    }
}
