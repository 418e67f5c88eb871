/// The tracker's result for one frame: the face (if found), its landmarks and the quality
/// measures, and whether the frame is valid.
public struct TrackedFrame: Sendable {
    /// The participant's face box, or nil when no face was found.
    public var box: FaceBox?
    /// The 68 landmarks in image pixels, or nil when no face was found.
    public var points: [SIMD2<Double>]?
    /// The number of faces seen in the frame (the participant's included).
    public var faceCount: Int
    /// The variance of the Laplacian over the face (`Sharpness`); NaN without a face.
    public var sharpness: Double
    /// How many landmarks lie outside the image.
    public var pointsOutside: Int
    /// Why the frame failed, one entry per reason; empty for a valid frame.
    public var problems: [String]

    /// Whether the frame passed every quality check.
    public var isValid: Bool { problems.isEmpty }
}
