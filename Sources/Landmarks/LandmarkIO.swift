import FaceAtlasCore
import Foundation

/// Reading and writing landmark sequences in every `LandmarkFormat`.
///
/// Every problem with a file is a `FileError` naming the file and, where it can, the line
/// (text formats), the frame or point (JSON) or the array (npz): a wrong number of points, a
/// value that is not a number, time going backwards, a repeated frame number, an empty or
/// truncated file. Frames that the tracker marks as failed, or that miss points, are kept as
/// invalid frames with a reason and weight 0.
public enum LandmarkIO {
    /// Reads the landmark file or folder at `url`.
    /// - Parameters:
    ///   - format: the format, or `nil` to detect it (`LandmarkFormat.detect`).
    ///   - fps: the frame rate for formats without times: frame *i* of a folder of `.pts` files
    ///     (in natural name order) is at *i* / fps, and likewise OpenFace and MediaPipe files
    ///     without a time column.
    /// - Throws: `FileError` naming the file and the line, frame or array at fault.
    public static func read(_ url: URL, format: LandmarkFormat? = nil, fps: Double = 5) throws -> LandmarkSequence {
        try read(url, format: format, fps: fps, knownImageSize: nil)
    }

    /// Reads the landmark file at `url` taken from images of `imageSize` (width, height) pixels.
    ///
    /// The size turns MediaPipe's normalized 0...1 coordinates into pixels when the file has no
    /// size of its own, and is recorded in `imageSize` for every format that does not store one.
    public static func read(_ url: URL, format: LandmarkFormat? = nil, fps: Double = 5, imageSize: SIMD2<Int>) throws
        -> LandmarkSequence {
        guard imageSize.x > 0 && imageSize.y > 0 else {
            throw FileError(url, "the image size \(imageSize.x) × \(imageSize.y) is not positive")
        }
        var sequence = try read(url, format: format, fps: fps, knownImageSize: imageSize)
        if sequence.imageSize == nil { sequence.imageSize = imageSize }
        return sequence
    }

    private static func read(_ url: URL, format: LandmarkFormat?, fps: Double, knownImageSize: SIMD2<Int>?) throws
        -> LandmarkSequence {
        guard fps.isFinite && fps > 0 else { throw FileError(url, "the frame rate must be positive, not \(fps)") }
        let format = try format ?? LandmarkFormat.detect(url)
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        guard exists else { throw FileError.missing(url, "no such file or folder") }
        if isFolder.boolValue && format != .pts {
            throw FileError(url, "a folder can be read only as a sequence of .pts files, not as \(format.rawValue)")
        }
        switch format {
        case .pts: return isFolder.boolValue ? try PTSFormat.readFolder(url, fps: fps) : try PTSFormat.read(url)
        case .ljson: return try LJSONFormat.read(url)
        case .openFace: return try OpenFaceCSV.read(url, fps: fps)
        case .mediaPipe:
            return url.pathExtension.lowercased() == "json"
                ? try MediaPipeFormat.readJSON(url, fps: fps, imageSize: knownImageSize)
                : try MediaPipeFormat.readCSV(url, fps: fps, imageSize: knownImageSize)
        case .csv: return try PlainCSVFormat.read(url)
        case .npz: return try LandmarkNPZ.read(url)
        }
    }

    /// Writes `sequence` to `url` in `format`, atomically.
    ///
    /// - `csv` and `npz` hold a whole sequence with everything it carries;
    /// - `pts` and `ljson` hold one frame (a sequence of one), without missing points for `pts`;
    /// - OpenFace and MediaPipe files are other programs' output and are not written.
    /// - Throws: `FileError` naming `url` when the sequence does not fit the format or the file
    ///   cannot be written.
    public static func write(_ sequence: LandmarkSequence, to url: URL, format: LandmarkFormat) throws {
        guard !sequence.frames.isEmpty else { throw FileError(url, "cannot write a sequence with no frames") }
        switch format {
        case .pts: try PTSFormat.write(sequence, to: url)
        case .ljson: try LJSONFormat.write(sequence, to: url)
        case .csv: try PlainCSVFormat.write(sequence, to: url)
        case .npz: try LandmarkNPZ.write(sequence, to: url)
        case .openFace, .mediaPipe:
            throw FileError(url, "writing \(format.rawValue) files is not supported; write csv or npz")
        }
    }
}
