import DlibBridge
import FaceAtlasCore
import Foundation
import Imaging

/// dlib's shape predictor (an ensemble of regression trees): places the 68 iBUG landmarks in
/// a face box from the detector.
///
/// The model is the one from Debian's libdlib-data,
/// `/usr/share/dlib/shape_predictor_68_face_landmarks.dat` (about 100 MB). It was trained on
/// the iBUG 300-W data set, whose licence excludes commercial use: see the README.
/// A predictor is read-only once loaded and may be shared by threads.
public final class ShapePredictor: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The file it was loaded from.
    public let url: URL
    /// The number of points it places (68 for the iBUG model).
    public let pointCount: Int

    /// Where the 68-point model is looked for: `$FACEATLAS_DLIB_MODEL` when set, else Debian's path.
    public static var defaultModelURL: URL {
        if let path = ProcessInfo.processInfo.environment["FACEATLAS_DLIB_MODEL"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: "/usr/share/dlib/shape_predictor_68_face_landmarks.dat")
    }

    /// Loads a predictor from a dlib `.dat` file (about 1 s for the 68-point model).
    /// - Throws: `FileError` naming the file when it is missing or not a shape predictor;
    ///   `TrackingError` when the default model is not installed.
    public init(url: URL = ShapePredictor.defaultModelURL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if url == ShapePredictor.defaultModelURL {
                throw TrackingError("dlib's 68-point model is not installed at \(url.path); run scripts/bootstrap or apt-get install libdlib-data")
            }
            throw FileError.missing(url)
        }
        var message = [CChar](repeating: 0, count: 512)
        guard let handle = fa_shape_predictor_load(url.path, &message, message.count) else {
            throw FileError(url, TrackingError.text(message))
        }
        self.handle = handle
        self.url = url
        pointCount = Int(fa_shape_predictor_point_count(handle))
    }

    deinit { fa_shape_predictor_destroy(handle) }

    /// The default 68-point model, loaded once per process and shared.
    public static func shared() throws -> ShapePredictor {
        try SharedModel.instance.get()
    }

    /// The points for the face in `box` of `image` (gray), in the image's 0-based pixels.
    /// - Throws: `TrackingError` if dlib fails.
    public func predict(in image: Image, box: FaceBox) throws -> [SIMD2<Double>] {
        precondition(image.channels == 1, "the shape predictor needs a gray image")
        var xy = [Double](repeating: .nan, count: 2 * pointCount)
        var message = [CChar](repeating: 0, count: 512)
        let count = image.pixels.withUnsafeBufferPointer { pixels in
            fa_shape_predict(handle, pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width),
                             box.left, box.top, box.right, box.bottom, &xy, Int32(xy.count), &message, message.count)
        }
        guard count >= 0 else { throw TrackingError(TrackingError.text(message)) }
        return (0..<Int(count)).map { SIMD2(xy[2 * $0], xy[2 * $0 + 1]) }
    }
}

/// The process-wide default predictor, loaded on first use.
private enum SharedModel {
    static let instance: Result<ShapePredictor, Error> = Result { try ShapePredictor() }
}
