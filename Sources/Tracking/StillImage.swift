import FaceAtlasCore
import Foundation
import Imaging

/// Reads a still photograph as a frame: PNG through libpng (`Imaging`), every other format
/// (JPEG, PPM/PGM, BMP, TIFF, WebP, ...) by decoding it with ffmpeg to one raw frame.
///
/// ffmpeg 5.1 does not apply a JPEG's EXIF orientation: such photos are read as stored.
public enum StillImage {
    /// File extensions read as still images (lowercase); anything else is taken for a video.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "ppm", "pgm", "pnm", "bmp", "tif", "tiff", "webp"]

    /// File extensions read as videos (lowercase).
    public static let videoExtensions: Set<String> = ["mp4", "mov", "avi", "mkv", "webm", "m4v", "mpg", "mpeg", "wmv"]

    /// Whether `url` names a video or a still image by its extension (what `faceatlas track` reads).
    public static func isMedia(_ url: URL) -> Bool {
        let e = url.pathExtension.lowercased()
        return extensions.contains(e) || videoExtensions.contains(e)
    }

    /// Whether `url` names a still image by its extension.
    public static func isStillImage(_ url: URL) -> Bool {
        extensions.contains(url.pathExtension.lowercased())
    }

    /// Reads the image at `url`, as gray (1 channel) or RGB (3 channels), resized to `resize` if given.
    /// - Throws: `FileError` naming the file when it is missing, empty or not an image.
    public static func read(_ url: URL, color: Bool, resize: SIMD2<Int>? = nil) throws -> Image {
        try VideoInfo.requireNonEmptyFile(url)
        var image: Image
        if url.pathExtension.lowercased() == "png" {
            image = try PNG.read(url).converted(toChannels: color ? 3 : 1)
            if let resize { image = image.resized(width: resize.x, height: resize.y) }
        } else {
            var filters: [String] = []
            if let resize { filters.append("scale=\(resize.x):\(resize.y)") }
            let result = try ExternalTool.ffmpeg.run(
                ["-nostdin", "-hide_banner", "-v", "error", "-i", url.path, "-map", "0:v:0", "-frames:v", "1"]
                    + (filters.isEmpty ? [] : ["-vf", filters.joined(separator: ",")])
                    + ["-f", "image2pipe", "-c:v", color ? "ppm" : "pgm", "-pix_fmt", color ? "rgb24" : "gray", "-"])
            guard result.status == 0, !result.output.isEmpty else {
                throw FileError(url, "not an image ffmpeg can read: \(VideoInfo.shortened(result.errors, path: url.path))")
            }
            var offset = 0
            let bytes = [UInt8](result.output)
            var reader = PNMReader { buffer in
                let n = min(buffer.count, bytes.count - offset)
                if n > 0 {
                    bytes.withUnsafeBytes { source in
                        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + n)]))
                    }
                }
                offset += n
                return n
            }
            do {
                guard let decoded = try reader.next() else { throw FileError(url, "ffmpeg decoded no image") }
                image = decoded
            } catch let error as FileError {
                throw error
            } catch {
                throw FileError(url, "ffmpeg's image could not be read: \(error)")
            }
        }
        return image
    }
}
