import Foundation

/// The 68 facial landmarks of one video frame (or one image), in the iBUG 300-W order.
///
/// Coordinates are 0-based image pixels: x to the right, y down, (0, 0) the centre of
/// the top-left pixel. iBUG 36 is the outer corner of the subject's right eye, which
/// lies on the image *left* in an unmirrored picture; iBUG 45 is the left eye's outer
/// corner. A point that is missing is NaN in both coordinates.
///
/// A frame whose tracking failed is kept, with `isValid == false` and a reason, so that
/// frame counts and times stay true to the source; its `weights` are all zero.
public struct LandmarkFrame: Sendable {
    /// Seconds from the start of the sequence.
    public var time: Double
    /// The 68 iBUG points in image pixels (x right, y down); NaN where a point is missing.
    public var points: [SIMD2<Double>]
    /// The 68 points in millimetres in the camera frame, when the tracker gives them
    /// (OpenFace's `X_i, Y_i, Z_i`: x right, y down, z away from the camera).
    public var points3D: [SIMD3<Double>]?
    /// How sure the tracker is of each point, 0...1. A per-frame confidence is copied to all points.
    public var confidence: [Double]
    /// False when tracking failed: the frame is kept with weight 0, never dropped silently.
    public var isValid: Bool
    /// Why the frame is not valid (for example "OpenFace: tracking failed" or "missing points (3 of 68)").
    public var invalidReason: String?
    /// MediaPipe Face Mesh's 468 points in image pixels, when the landmarks came from it (`points` then holds
    /// the 68 iBUG points read off them); a fitter with a dense embedding uses all of them. Nil otherwise.
    public var densePoints: [SIMD2<Double>]?

    /// Creates a frame.
    /// - Parameters:
    ///   - time: seconds from the start of the sequence.
    ///   - points: the iBUG points in 0-based image pixels, NaN where missing.
    ///   - points3D: the same points in millimetres, if known; as many as `points`.
    ///   - confidence: per-point confidence in 0...1, as many as `points`; by default 1 for
    ///     every point that is present and 0 for a missing (NaN) point.
    ///   - isValid: false if tracking failed.
    ///   - invalidReason: why the frame is not valid.
    public init(
        time: Double, points: [SIMD2<Double>], points3D: [SIMD3<Double>]? = nil, confidence: [Double]? = nil,
        isValid: Bool = true, invalidReason: String? = nil
    ) {
        precondition(points3D == nil || points3D!.count == points.count,
                     "LandmarkFrame: \(points3D!.count) 3D points for \(points.count) 2D points")
        precondition(confidence == nil || confidence!.count == points.count,
                     "LandmarkFrame: \(confidence!.count) confidences for \(points.count) points")
        self.time = time
        self.points = points
        self.points3D = points3D
        self.confidence = confidence ?? points.map { $0.isMissing ? 0 : 1 }
        self.isValid = isValid
        self.invalidReason = invalidReason
    }

    /// The indices of the points that are missing (a NaN coordinate).
    public var missingPoints: [Int] {
        points.indices.filter { points[$0].isMissing }
    }

    /// The weight of each point for fitting: 0 for every point of an invalid frame, and
    /// for a missing point or a NaN confidence; otherwise the confidence clamped to 0...1.
    public var weights: [Double] {
        guard isValid else { return [Double](repeating: 0, count: points.count) }
        return points.indices.map { index in
            let value = confidence[index]
            guard !points[index].isMissing, !value.isNaN else { return 0 }
            return min(max(value, 0), 1)
        }
    }

    /// This frame, made invalid with the reason "missing points (k of n)" if any point is
    /// missing and the frame was valid, with the missing points' confidence set to 0.
    ///
    /// Every reader passes its frames through this, so that a frame marked valid never
    /// holds a NaN point.
    public func invalidatingMissingPoints() -> LandmarkFrame {
        let missing = missingPoints
        guard !missing.isEmpty else { return self }
        var frame = self
        for index in missing { frame.confidence[index] = 0 }
        if frame.isValid {
            frame.isValid = false
            frame.invalidReason = "missing points (\(missing.count) of \(points.count))"
        }
        return frame
    }
}

extension LandmarkFrame: Equatable {
    /// Frames are equal when every field is; NaN equals NaN here, so that a frame with
    /// missing points equals its own copy read back from a file.
    public static func == (lhs: LandmarkFrame, rhs: LandmarkFrame) -> Bool {
        lhs.time.sameValue(as: rhs.time)
            && lhs.isValid == rhs.isValid
            && lhs.invalidReason == rhs.invalidReason
            && lhs.points.count == rhs.points.count
            && zip(lhs.points, rhs.points).allSatisfy { $0.x.sameValue(as: $1.x) && $0.y.sameValue(as: $1.y) }
            && lhs.confidence.count == rhs.confidence.count
            && zip(lhs.confidence, rhs.confidence).allSatisfy { $0.sameValue(as: $1) }
            && sameOptional3D(lhs.points3D, rhs.points3D)
            && lhs.densePoints?.count == rhs.densePoints?.count
            && zip(lhs.densePoints ?? [], rhs.densePoints ?? []).allSatisfy { $0.x.sameValue(as: $1.x) && $0.y.sameValue(as: $1.y) }
    }

    private static func sameOptional3D(_ lhs: [SIMD3<Double>]?, _ rhs: [SIMD3<Double>]?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return true
        case let (left?, right?):
            return left.count == right.count && zip(left, right).allSatisfy {
                $0.x.sameValue(as: $1.x) && $0.y.sameValue(as: $1.y) && $0.z.sameValue(as: $1.z)
            }
        default: return false
        }
    }
}

extension SIMD2 where Scalar == Double {
    /// Whether either coordinate is NaN (how a missing landmark is stored).
    var isMissing: Bool { x.isNaN || y.isNaN }
}

extension Double {
    /// Equality in which NaN equals NaN.
    func sameValue(as other: Double) -> Bool {
        self == other || (isNaN && other.isNaN)
    }
}
