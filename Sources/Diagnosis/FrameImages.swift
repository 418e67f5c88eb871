import FaceAtlasCore
import Foundation
import Imaging

/// Reads face images as RGB and keeps them, resized, in memory so that later epochs skip decoding.
public final class FrameImages: @unchecked Sendable {
    /// The side the images are resized to before cropping.
    public let side: Int
    /// The most bytes kept in memory; beyond it images are decoded again each time.
    public let cacheLimit: Int
    private var cache: [URL: Image] = [:]
    private var cachedBytes = 0
    private let lock = NSLock()

    /// A reader resizing to `side` × `side`, caching up to `cacheLimit` bytes.
    public init(side: Int, cacheLimit: Int = 2 << 30) {
        self.side = side
        self.cacheLimit = cacheLimit
    }

    /// Reads a PNG or JPEG file as RGB at its own size.
    /// - Throws: `FileError` naming the file when it is missing, of another format or damaged.
    public static func read(_ url: URL) throws -> Image {
        let data = try AtomicFile.read(url)
        let image: Image
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            image = try PNG.decode(data, source: url.path)
        } else if data.starts(with: [0xFF, 0xD8]) {
            image = try JPEG.decode(data, source: url.path)
        } else {
            throw FileError(url, "not a PNG or JPEG image")
        }
        return image.converted(toChannels: 3)
    }

    /// The image at `url` as RGB, resized to `side` × `side`.
    public func image(_ url: URL) throws -> Image {
        lock.lock()
        if let image = cache[url] { lock.unlock(); return image }
        lock.unlock()
        let image = try Self.read(url).resized(width: side, height: side)
        lock.lock()
        if cachedBytes + image.pixels.count <= cacheLimit {
            cache[url] = image
            cachedBytes += image.pixels.count
        }
        lock.unlock()
        return image
    }
}
