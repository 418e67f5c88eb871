import CJPEG
import FaceAtlasCore
import Foundation

/// JPEG reading through libjpeg (libjpeg-turbo on Debian): gray or RGB, 8 bits per channel.
///
/// EXIF orientation is not applied: images are read as stored.
public enum JPEG {
    /// The most pixels decoded (as for PNG, a guard against hostile headers).
    public static let maximumPixels = 1 << 28

    /// Decodes JPEG bytes; `source` names the file in errors.
    /// - Throws: `FileError` naming `source` with libjpeg's message when the data is not a readable JPEG.
    public static func decode(_ data: Data, source: String) throws -> Image {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { raw in
            faceatlas_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, maximumPixels,
                                  &pixels, &width, &height, &channels, &message, message.count)
        }
        guard status == 0, let pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw FileError(source, "not a readable JPEG: \(text)")
        }
        defer { faceatlas_jpeg_free(pixels) }
        let count = Int(width) * Int(height) * Int(channels)
        return Image(width: Int(width), height: Int(height), channels: Int(channels),
                     pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Reads the JPEG file at `url`.
    /// - Throws: `FileError` naming the file when it is missing or not a readable JPEG.
    public static func read(_ url: URL) throws -> Image {
        try decode(AtomicFile.read(url), source: url.path)
    }
}
