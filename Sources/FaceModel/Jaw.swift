/// The articulated jaw: a rotation about an anatomical pivot (near the temporomandibular
/// joints), applied to the vertices by linear-blend skinning weights.
///
/// Action units 26 (jaw drop) and 27 (mouth stretch) are jaw rotations: an AU26 intensity
/// of 1 opens the jaw by `jawDropDegrees`, an AU27 intensity of 1 by `mouthStretchDegrees`.
public struct Jaw: Sendable, Equatable {
    /// The pivot in model coordinates (mm).
    public var pivot: SIMD3<Float>
    /// Per-vertex skinning weight of the jaw, 0…1 (0 for vertices that do not follow the jaw).
    public var weights: [Float]
    /// Jaw opening (rotation about +x, opening downwards) for AU26 at intensity 1, in degrees.
    public var jawDropDegrees: Float
    /// Jaw opening for AU27 at intensity 1, in degrees.
    public var mouthStretchDegrees: Float

    /// Creates a jaw.
    public init(pivot: SIMD3<Float>, weights: [Float], jawDropDegrees: Float = 12, mouthStretchDegrees: Float = 24) {
        self.pivot = pivot
        self.weights = weights
        self.jawDropDegrees = jawDropDegrees
        self.mouthStretchDegrees = mouthStretchDegrees
    }

    /// The jaw rotation (axis-angle, radians) that opens the mouth by `degrees`.
    /// Opening rotates the chin down and back: a positive rotation about +x.
    public static func opening(degrees: Float) -> SIMD3<Float> {
        SIMD3(degrees * .pi / 180, 0, 0)
    }
}
