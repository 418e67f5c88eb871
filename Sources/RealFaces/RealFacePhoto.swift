import Foundation
import Imaging
import Tracking

/// Reads a photo of the data set in colour: PNG and JPEG with FaceAtlas's own decoders (`Imaging`),
/// other formats (PPM, ...) through `StillImage`.
enum RealFacePhoto {
    /// The photo at `url` as RGB.
    /// - Throws: `FileError` naming the file when it is missing or not an image.
    static func read(_ url: URL) throws -> Image {
        let image: Image
        switch url.pathExtension.lowercased() {
        case "png": image = try PNG.read(url)
        case "jpg", "jpeg": image = try JPEG.read(url)
        default: image = try StillImage.read(url, color: true)
        }
        return image.converted(toChannels: 3)
    }
}
