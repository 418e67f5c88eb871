/// The landmarks of one sequence as the fitter sees them: per frame 68 points (2D image pixels,
/// x right and y down, or 3D millimetres), or 68 + 468 with MediaPipe's dense points (`init(_:use3D:dense:)`), and a weight per point (0 where a point or the whole
/// frame is missing). Build one from a `LandmarkSequence` or directly.
public struct ObservedSequence: Sendable {
    /// Frame times, seconds.
    public var times: [Double]
    /// Per frame, 68 points (68 + 468 dense); z is ignored for 2D input.
    public var points: [[SIMD3<Double>]]
    /// Per frame, one weight per point (confidence; 0 for missing points and invalid frames).
    public var weights: [[Double]]
    /// Whether the points are 3D (millimetres) rather than image pixels.
    public var isMetric3D: Bool
    /// Image size (pixels), for the pinhole camera's principal point.
    public var imageSize: SIMD2<Double>?

    /// Creates a sequence; every frame has one weight per point: 68, or 68 + 468 for dense landmarks.
    public init(times: [Double], points: [[SIMD3<Double>]], weights: [[Double]], isMetric3D: Bool = false, imageSize: SIMD2<Double>? = nil) {
        precondition(points.count == times.count && weights.count == times.count)
        self.times = times
        self.points = points
        self.weights = weights
        self.isMetric3D = isMetric3D
        self.imageSize = imageSize
    }

    /// Number of frames.
    public var count: Int { times.count }

    /// Whether frame `t` has any landmark with positive weight.
    public func isValid(_ t: Int) -> Bool { weights[t].contains { $0 > 0 } }
}
