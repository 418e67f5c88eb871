/// The result of fitting one participant: one identity for all sequences, and per frame
/// expression, jaw, head pose and camera, with residuals and a convergence report.
public struct FitResult: Sendable {
    /// One fitted sequence (one stimulus video).
    public struct Sequence: Sendable {
        /// Frame times, seconds.
        public var time: [Double]
        /// Expression coefficients per frame (action-unit intensities for action-unit models).
        public var expression: [[Double]]
        /// Jaw rotation per frame, axis-angle (radians): opening about +x.
        public var jaw: [SIMD3<Double>]
        /// Head rotation per frame, axis-angle (radians), model frame to camera frame.
        public var rotation: [SIMD3<Double>]
        /// Head translation per frame: pixels (tx, ty, 0) for scaled orthographic; mm for pinhole and 3D.
        public var translation: [SIMD3<Double>]
        /// Scale per frame (pixels per mm) for scaled orthographic; 1 otherwise.
        public var scale: [Double]
        /// Mean landmark error per frame, pixels (mm for 3D input); NaN for invalid frames.
        public var residualPixels: [Double]
        /// Mean landmark error per frame over the outer-eye-corner distance (NME); NaN for invalid frames.
        public var residualNormalized: [Double]
        /// Whether the frame had landmarks (invalid frames are filled from their neighbours and the priors).
        public var valid: [Bool]
        /// The fitted 2D (or 3D) landmark positions per frame.
        public var landmarks: [[SIMD3<Double>]]
        /// The fitted positions of MediaPipe's dense points per frame, when the fit used them; empty otherwise.
        public var densePoints: [[SIMD3<Double>]] = []
    }

    /// The camera model used.
    public var camera: CameraModel
    /// Identity coefficients (SD units), shared by all sequences.
    public var identity: [Double]
    /// Focal length in pixels (pinhole camera only).
    public var focalLength: Double?
    /// The fitted sequences, in input order.
    public var sequences: [Sequence]
    /// Iterations run.
    public var iterations: Int
    /// Cost after each iteration (the first entry is the cost at the start).
    public var costHistory: [Double]
    /// Whether the cost decrease fell below the tolerance.
    public var converged: Bool
    /// Wall-clock seconds spent.
    public var seconds: Double
}
