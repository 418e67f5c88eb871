import FaceAtlasCore
import Foundation
import Imaging

/// MediaPipe's face mesh pipeline for one person: BlazeFace finds the face, the mesh model places 468 points
/// in a region level with the eyes, and each frame's points give the next frame's region; when the mesh's face
/// score falls below ``minimumFaceScore`` the frame has no face and the next frame is detected afresh (as
/// `mp.solutions.face_mesh` with `max_num_faces=1`). Still photographs are each detected afresh (``reset()``).
/// With ``refinesEyes`` (MediaPipe's `refine_landmarks`; off by default, as in MediaPipe), the iris model refines
/// both eyes and brows and adds the 10 iris points: 478 points (``IrisLandmarker``).
public final class MediaPipeFaceTracker {
    /// The three model files, by their names in the mediapipe wheel.
    public static let modelNames = ["face_detection_short_range.tflite", "face_landmark.tflite", "iris_landmark.tflite"]

    /// One frame's result.
    public struct Frame: Sendable {
        /// The 468 points in pixels, or 478 with the eyes refined and the irises (nil: no face).
        public var points: [SIMD3<Double>]?
        /// The mesh model's face score (0 when no face was found).
        public var faceScore: Double
        /// The detection score when the face was detected in this frame, else nil (followed from the last frame).
        public var detectionScore: Double?
    }

    public let detector: BlazeFaceDetector
    public let mesh: FaceMeshLandmarker
    public let iris: IrisLandmarker
    /// Refine the eyes with the iris model and add the iris points (478 points; false, the default: the mesh's 468,
    /// which the default model's dense embedding was calibrated on).
    public var refinesEyes = false
    /// Below this mesh face score the face is lost (MediaPipe's `min_tracking_confidence`).
    public var minimumFaceScore = 0.5
    private var region: FaceRegion?

    /// Loads the models from `folder` (scripts/fetch-mediapipe puts them in Templates/build/mediapipe).
    public init(models folder: URL) throws {
        for name in Self.modelNames where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            throw FileError(folder.appendingPathComponent(name), "is missing: run scripts/fetch-mediapipe (scripts/bootstrap runs it)")
        }
        detector = try BlazeFaceDetector(model: folder.appendingPathComponent(Self.modelNames[0]))
        mesh = try FaceMeshLandmarker(model: folder.appendingPathComponent(Self.modelNames[1]))
        iris = try IrisLandmarker(model: folder.appendingPathComponent(Self.modelNames[2]))
    }

    /// Forgets the face: the next frame is detected afresh.
    public func reset() { region = nil }

    /// The face in `image` (RGB or gray), followed from the previous frame when there was one.
    public func track(_ image: Image) throws -> Frame {
        var detectionScore: Double?
        if region == nil {
            guard let best = try detector.detect(image).first else { return Frame(points: nil, faceScore: 0, detectionScore: nil) }
            region = best.region
            detectionScore = best.score
        }
        let result = try mesh.landmarks(in: image, region: region!)
        guard result.faceScore >= minimumFaceScore else {
            region = nil
            return Frame(points: nil, faceScore: result.faceScore, detectionScore: detectionScore)
        }
        region = result.nextRegion
        return Frame(points: try refined(result.points, in: image), faceScore: result.faceScore, detectionScore: detectionScore)
    }

    /// Every face in a still image, largest detection first: each detection's mesh, without following
    /// (the tracker's state is left as it was). Faces whose mesh score is below ``minimumFaceScore`` are left out.
    public func faces(in image: Image) throws -> [Frame] {
        try detector.detect(image).compactMap { detection in
            let result = try mesh.landmarks(in: image, region: detection.region)
            guard result.faceScore >= minimumFaceScore else { return nil }
            return Frame(points: try refined(result.points, in: image), faceScore: result.faceScore, detectionScore: detection.score)
        }
    }

    /// The mesh points, with the eyes refined when ``refinesEyes``.
    func refined(_ points: [SIMD3<Double>], in image: Image) throws -> [SIMD3<Double>] {
        refinesEyes ? try iris.refine(points, in: image) : points
    }
}
