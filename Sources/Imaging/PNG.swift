import CPNG
import FaceAtlasCore
import Foundation

/// Reading and writing PNG files through libpng's simplified API.
///
/// libpng reports errors with `longjmp`, which must never cross Swift frames. The
/// simplified API (`png_image_*`) catches its own errors inside libpng and returns
/// them in `png_image.message`, so no `longjmp` ever reaches this code; every
/// failure becomes a `FileError` naming the file (or the in-memory source) and
/// libpng's message.
///
/// Sample values are treated as data, not re-interpreted as colour: the gamma and
/// colour-space chunks of a file (gAMA, sRGB, iCCP) are ignored on reading, so samples come
/// back as stored. 8-bit images are written tagged sRGB and 16-bit images tagged linear
/// (gamma 1.0), as libpng's simplified API does; converting between depths scales
/// (`v * 257`, `round(v / 257)`) rather than applying a transfer curve.
///
/// A caveat inherited from the simplified API: 16-bit samples with an alpha channel pass
/// through premultiplied form, so colour where alpha is below 65535 round-trips only to
/// within `65535 / (2 * alpha)` and is lost where alpha is 0. 8-bit data, and 16-bit data
/// without alpha, round-trip exactly.
public enum PNG {
    /// The name used in errors for images that do not come from a file.
    static let memorySource = "<in-memory image>"

    /// The largest decoded image accepted, in bytes, to refuse absurd headers early.
    public static let maximumDecodedBytes = 1 << 31

    // MARK: Encoding

    /// Encodes an 8-bit image (gray, gray+alpha, RGB or RGBA) as an sRGB-tagged PNG.
    public static func encode(_ image: Image) throws -> Data {
        try checkEncodable(width: image.width, height: image.height, channels: image.channels,
                           count: image.pixels.count)
        return try image.pixels.withUnsafeBytes { buffer in
            try encodeRaw(buffer.baseAddress!, width: image.width, height: image.height,
                          format: formatFlags(channels: image.channels), rawBytes: buffer.count)
        }
    }

    /// Encodes a 16-bit image as a linear-tagged 16-bit PNG whose samples are exactly `image.samples`
    /// (with an alpha channel, see the caveat on `PNG`).
    public static func encode(_ image: Image16) throws -> Data {
        try checkEncodable(width: image.width, height: image.height, channels: image.channels,
                           count: image.samples.count)
        var samples = image.samples
        if image.channels == 2 || image.channels == 4 {
            premultiply(&samples, channels: image.channels)
        }
        return try samples.withUnsafeBytes { buffer in
            try encodeRaw(buffer.baseAddress!, width: image.width, height: image.height,
                          format: formatFlags(channels: image.channels) | UInt32(PNG_FORMAT_FLAG_LINEAR),
                          rawBytes: buffer.count)
        }
    }

    // MARK: Decoding

    /// Decodes any PNG to 8 bits per channel, keeping its gray / gray+alpha / RGB / RGBA layout
    /// (palette images become RGB, or RGBA when they have transparency).
    /// - Parameter source: names the data in errors, usually the file path.
    public static func decode(_ data: Data, source: String) throws -> Image {
        switch try decodeNative(data, source: source) {
        case .eight(let image): return image
        case .sixteen(let image): return image.to8Bit()
        }
    }

    /// Decodes any PNG to 16 bits per channel, keeping its channel layout; 8-bit files are
    /// widened by `v * 257`.
    /// - Parameter source: names the data in errors, usually the file path.
    public static func decode16(_ data: Data, source: String) throws -> Image16 {
        switch try decodeNative(data, source: source) {
        case .eight(let image): return image.to16Bit()
        case .sixteen(let image): return image
        }
    }

    // MARK: Files

    /// Writes `image` to `url` as a PNG, atomically (readers never see a partial file).
    public static func write(_ image: Image, to url: URL) throws {
        let data = try renamingSource(to: url.path) { try encode(image) }
        try AtomicFile.write(data, to: url)
    }

    /// Writes a 16-bit `image` to `url` as a 16-bit PNG, atomically.
    public static func write(_ image: Image16, to url: URL) throws {
        let data = try renamingSource(to: url.path) { try encode(image) }
        try AtomicFile.write(data, to: url)
    }

    /// Reads the PNG at `url` as an 8-bit image.
    public static func read(_ url: URL) throws -> Image {
        try decode(try AtomicFile.read(url), source: url.path)
    }

    /// Reads the PNG at `url` as a 16-bit image.
    public static func read16(_ url: URL) throws -> Image16 {
        try decode16(try AtomicFile.read(url), source: url.path)
    }
}

// MARK: - Implementation

extension PNG {
    private enum Decoded {
        case eight(Image)
        case sixteen(Image16)
    }

    /// The simplified-API format flags for an interleaved layout with `channels` channels.
    private static func formatFlags(channels: Int) -> UInt32 {
        var format: UInt32 = 0
        if channels == 2 || channels == 4 { format |= UInt32(PNG_FORMAT_FLAG_ALPHA) }
        if channels >= 3 { format |= UInt32(PNG_FORMAT_FLAG_COLOR) }
        return format
    }

    private static func channelCount(format: UInt32) -> Int {
        (format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1)
            + (format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0)
    }

    private static func message(of image: png_image) -> String {
        var image = image
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if text.isEmpty { return "unknown libpng error" }
        if text.contains("beyond end of data") { return "\(text) (the data is truncated)" }
        return text
    }

    private static func checkEncodable(width: Int, height: Int, channels: Int, count: Int) throws {
        guard (1...4).contains(channels) else {
            throw FileError(memorySource, "cannot encode an image with \(channels) channels as PNG (1 to 4 are possible)")
        }
        guard width > 0, height > 0 else {
            throw FileError(memorySource, "cannot encode an empty \(width)×\(height) image as PNG")
        }
        guard width <= Int(Int32.max) / (2 * channels), height <= Int(Int32.max) else {
            throw FileError(memorySource, "the \(width)×\(height) image is too large for PNG")
        }
        guard count == width * height * channels else {
            throw FileError(memorySource, "the image holds \(count) samples but \(width)×\(height)×\(channels) needs \(width * height * channels)")
        }
    }

    private static func encodeRaw(
        _ buffer: UnsafeRawPointer, width: Int, height: Int, format: UInt32, rawBytes: Int
    ) throws -> Data {
        func attempt(capacity: Int) -> (ok: Bool, size: Int, data: Data, message: String) {
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            image.width = UInt32(width)
            image.height = UInt32(height)
            image.format = format
            var size = png_alloc_size_t(capacity)
            var out = Data(count: capacity)
            let ok = out.withUnsafeMutableBytes { memory in
                png_image_write_to_memory(&image, memory.baseAddress, &size, 0, buffer, 0, nil)
            }
            let text = ok != 0 ? "" : message(of: image)
            png_image_free(&image)
            return (ok != 0, Int(size), out, text)
        }
        // Deflate never expands much: stored blocks add 5 bytes per 64 KiB, plus filter bytes and chunks.
        let guess = rawBytes + height + rawBytes / 1000 + 4096
        var result = attempt(capacity: guess)
        if !result.ok, result.size > guess {
            result = attempt(capacity: result.size)
        }
        guard result.ok else {
            throw FileError(memorySource, "cannot encode PNG: libpng: \(result.message)")
        }
        return result.data.prefix(result.size)
    }

    /// Runs `body`, moving the `FileError`s it throws for the in-memory image onto `path`.
    private static func renamingSource<T>(to path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as FileError where error.path == memorySource {
            error.path = path
            throw error
        }
    }

    /// `data` without the chunks that would make libpng transform samples on reading (gAMA,
    /// sRGB, iCCP): untagged, 8-bit samples are taken as sRGB and 16-bit ones as linear, the
    /// formats they are read into, so they come back as stored. Anything that does not parse
    /// is left for libpng to report.
    static func strippingColorSpaceChunks(_ data: Data) -> Data {
        // Ranges of the chunks to drop, found without copying the data.
        let drop: [Range<Int>] = data.withUnsafeBytes { bytes in
            var offset = 8, found: [Range<Int>] = []
            while offset + 12 <= bytes.count {
                let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16
                    | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
                let end = offset + 12 + length
                guard end <= bytes.count, type != "IDAT" else { break }
                if type == "gAMA" || type == "sRGB" || type == "iCCP" { found.append(offset..<end) }
                offset = end
            }
            return found
        }
        guard !drop.isEmpty else { return data }
        var kept = Data(capacity: data.count)
        var start = 0
        let base = data.startIndex
        for range in drop {
            kept.append(data[(base + start)..<(base + range.lowerBound)])
            start = range.upperBound
        }
        kept.append(data[(base + start)...])
        return kept
    }

    /// Decodes at the file's own depth: 8-bit files to `Image`, 16-bit files to `Image16`.
    private static func decodeNative(_ original: Data, source: String) throws -> Decoded {
        let data = strippingColorSpaceChunks(original)
        return try data.withUnsafeBytes { (memory: UnsafeRawBufferPointer) -> Decoded in
            guard let base = memory.baseAddress, memory.count > 0 else {
                throw FileError(source, "not a PNG: the data is empty")
            }
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            defer { png_image_free(&image) }
            guard png_image_begin_read_from_memory(&image, base, memory.count) != 0 else {
                throw FileError(source, "not a readable PNG: libpng: \(message(of: image))")
            }
            let width = Int(image.width), height = Int(image.height)
            let fileFormat = image.format
            let channels = channelCount(format: fileFormat)
            let hasAlpha = channels == 2 || channels == 4
            let sixteenBitFile = fileFormat & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
            let count = width * height * channels
            guard width > 0, height > 0, count * (sixteenBitFile ? 2 : 1) <= maximumDecodedBytes,
                  width * channels <= Int(Int32.max) else {
                throw FileError(source, "the PNG is \(width)×\(height) pixels, too large to decode")
            }
            let layout = formatFlags(channels: channels)
            if sixteenBitFile {
                image.format = layout | UInt32(PNG_FORMAT_FLAG_LINEAR)
                var samples = [UInt16](repeating: 0, count: count)
                let ok = samples.withUnsafeMutableBytes { out in
                    png_image_finish_read(&image, nil, out.baseAddress, Int32(width * channels), nil)
                }
                guard ok != 0 else {
                    throw FileError(source, "cannot decode the PNG image data: libpng: \(message(of: image))")
                }
                if hasAlpha { unpremultiply(&samples, channels: channels) }
                return .sixteen(Image16(width: width, height: height, channels: channels, samples: samples))
            } else {
                image.format = layout
                var pixels = [UInt8](repeating: 0, count: count)
                let ok = pixels.withUnsafeMutableBytes { out in
                    png_image_finish_read(&image, nil, out.baseAddress, Int32(width * channels), nil)
                }
                guard ok != 0 else {
                    throw FileError(source, "cannot decode the PNG image data: libpng: \(message(of: image))")
                }
                return .eight(Image(width: width, height: height, channels: channels, pixels: pixels))
            }
        }
    }

    /// Scales the colour samples by alpha, as the simplified API expects of linear data.
    private static func premultiply(_ samples: inout [UInt16], channels: Int) {
        samples.withUnsafeMutableBufferPointer { s in
            var i = 0
            while i < s.count {
                let alpha = UInt32(s[i + channels - 1])
                for c in 0..<(channels - 1) {
                    s[i + c] = UInt16((UInt32(s[i + c]) * alpha + 32767) / 65535)
                }
                i += channels
            }
        }
    }

    /// Undoes `premultiply` (colour is 0 where alpha is 0).
    private static func unpremultiply(_ samples: inout [UInt16], channels: Int) {
        samples.withUnsafeMutableBufferPointer { s in
            var i = 0
            while i < s.count {
                let alpha = UInt32(s[i + channels - 1])
                if alpha != 65535 {
                    for c in 0..<(channels - 1) {
                        s[i + c] = alpha == 0 ? 0 : UInt16(min(65535, (UInt32(s[i + c]) * 65535 + alpha / 2) / alpha))
                    }
                }
                i += channels
            }
        }
    }
}
