import DlibBridge
import Imaging

/// dlib's HOG frontal face detector (`get_frontal_face_detector()`), through `DlibBridge`.
///
/// It finds roughly frontal faces of about 80 pixels and larger in the image it is given; to
/// find smaller faces, or to go faster on larger ones, detect at a `scale`. One detector is not
/// safe to use from two threads at once (dlib keeps scratch state in it): make one per thread.
public final class FaceDetector {
    private let handle: OpaquePointer

    /// Creates a detector.
    /// - Throws: `TrackingError` if dlib cannot build it.
    public init() throws {
        var message = [CChar](repeating: 0, count: 512)
        guard let handle = fa_face_detector_create(&message, message.count) else {
            throw TrackingError(TrackingError.text(message))
        }
        self.handle = handle
    }

    deinit { fa_face_detector_destroy(handle) }

    /// The faces in `image` (gray), best score first, with boxes in the image's pixels.
    /// - Parameters:
    ///   - region: the part of the image to search (x, y, width, height), clipped to the image;
    ///     the whole image by default.
    ///   - scale: the region is resampled by this factor before detection (bilinear); boxes are
    ///     mapped back.
    ///   - threshold: the lowest score kept; dlib's default is 0.
    ///   - limit: at most this many faces are returned.
    /// - Throws: `TrackingError` if dlib fails.
    public func detect(in image: Image, region: SIMD4<Int>? = nil, scale: Double = 1, threshold: Double = 0,
                       limit: Int = 16) throws -> [FaceBox] {
        precondition(image.channels == 1, "the face detector needs a gray image")
        let r = region ?? SIMD4(0, 0, image.width, image.height)
        var found = [fa_face_detection](repeating: fa_face_detection(), count: max(limit, 0))
        var message = [CChar](repeating: 0, count: 512)
        let count = image.pixels.withUnsafeBufferPointer { pixels in
            fa_face_detect(handle, pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width),
                           Int32(r.x), Int32(r.y), Int32(r.z), Int32(r.w), scale, threshold,
                           &found, Int32(found.count), &message, message.count)
        }
        guard count >= 0 else { throw TrackingError(TrackingError.text(message)) }
        return found.prefix(Int(count)).map {
            FaceBox(left: $0.left, top: $0.top, right: $0.right, bottom: $0.bottom, score: $0.score)
        }
    }
}
