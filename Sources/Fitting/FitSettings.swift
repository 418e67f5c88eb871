import Foundation
/// How a landmark sequence is projected: the camera model of the fit.
public enum CameraModel: String, Codable, Sendable, CaseIterable {
    /// Scaled orthographic (weak perspective): per frame a scale and a 2D translation (DECA's `cam`).
    case scaledOrthographic = "scaled-orthographic"
    /// A pinhole camera: per frame a 3D translation; one focal length per participant, fitted.
    case pinhole
    /// 3D landmarks (OpenFace X, Y, Z in mm): rigid motion, 3D residuals, no projection.
    case metric3D = "metric-3d"
}

/// How a sliding jawline landmark picks its model point.
public enum ContourRule: String, Codable, Sendable {
    case silhouette
    case nearest
}

/// The robust loss applied to each landmark's residual.
public enum RobustLoss: Codable, Sendable, Equatable {
    /// Plain least squares.
    case none
    /// Huber: quadratic up to `threshold` (in noise units), linear beyond.
    case huber(threshold: Double)
    /// Cauchy: log(1 + (r/threshold)²).
    case cauchy(threshold: Double)

    /// The IRLS weight of a residual of length `r` (noise units).
    @inlinable
    public func weight(_ r: Double) -> Double {
        switch self {
        case .none: return 1
        case .huber(let c): return r <= c ? 1 : c / r
        case .cauchy(let c): return 1 / (1 + (r / c) * (r / c))
        }
    }
}

/// Settings of `SequenceFitter`. Residuals are measured in *noise units*: one unit is
/// `noiseFraction` times the participant's outer-eye-corner distance (2 % by default, about
/// 1.8 px for a face whose eye corners are 90 px apart), so the priors mean the same at any image size.
public struct FitSettings: Sendable, Codable, Equatable {
    /// The camera model.
    public var camera: CameraModel = .scaledOrthographic
    /// Levenberg–Marquardt iterations at most.
    public var iterations = 12
    /// Stop when the relative decrease of the cost falls below this.
    public var tolerance = 3e-3
    /// Weight of the Gaussian identity prior ½λ‖β‖² (β in SD units).
    public var identityPrior = 1.0
    /// The correlation ρ of a person's landmark errors between frames, for the identity: n frames weigh as
    /// n / (1 + (n − 1)ρ) independent ones (the identity prior is scaled by 1 + (n − 1)ρ). 0 treats every
    /// frame as independent evidence (right only for landmarks drawn from the model itself).
    public var identityFrameCorrelation = 0.25
    /// Weight of the L1 sparsity prior λ Σ|ψ| on action-unit intensities.
    public var expressionSparsity = 1.5
    /// Weight of the Gaussian prior ½λψ² on expression coefficients (for statistical expression models it is the only one).
    public var expressionPrior = 0.2
    /// Temporal smoothness of expression and jaw between neighbouring frames, ½μ‖ψₜ − ψₜ₋₁‖² (0 turns it off).
    public var expressionSmoothing = 100.0
    /// Temporal smoothness of head pose and camera between neighbouring frames, in noise units per unit change
    /// of a point at the outer-eye-corner distance (0 turns it off).
    public var poseSmoothing = 5.0
    /// The frame step (seconds) at which `expressionSmoothing` and `poseSmoothing` hold (the study's 5 FPS).
    /// Between frames `Δt` apart, further apart than this, the weights are scaled by `smoothingInterval / Δt`
    /// (at least 1/10): a discrete ∫‖ẋ‖² dt, so a face moving at a given speed pays the same per second. With
    /// one weight per frame pair, 2 FPS held the head nearly still between frames half a second apart and
    /// the identity absorbed the rest (the crying-laughing video fitted at 2 FPS: max |β| 4.8 SD). Closer
    /// frames keep the weights as they are: scaled up (6× at 30 FPS) they over-smoothed eos's 30 FPS benchmark
    /// sequence (yaw error 0.46° instead of 0.28°).
    public var smoothingInterval = 0.2

    /// The scale of the temporal-smoothness weights between two frames `timeStep` seconds apart.
    public func smoothingScale(timeStep: Double) -> Double {
        guard timeStep.isFinite, timeStep > 0, smoothingInterval > 0 else { return 1 }
        return min(1, max(0.1, smoothingInterval / timeStep))
    }
    /// The robust loss on landmark residuals.
    public var robustLoss: RobustLoss = .huber(threshold: 3)
    /// One noise unit as a fraction of the outer-eye-corner distance.
    public var noiseFraction = 0.03
    /// How precisely each landmark is located, in noise units (eyes and lips more precisely than the jawline).
    public var landmarkNoise: LandmarkNoise = .byFeature
    /// Identity components to fit (nil: all the model has).
    public var identityComponents: Int? = nil
    /// Fit the identity (false keeps it at `initialIdentity`, or the mean).
    public var fitIdentity = true
    /// Freeze the identity once its update falls below this norm (SD units), then refine only the frames.
    public var identityFreezeThreshold = 1e-3
    /// Identity frames: the identity is fitted jointly (Schur complement) on at most this many frames,
    /// spread evenly over all sequences (at most 6 iterations); every frame is then fitted with the
    /// identity held, starting from those frames interpolated in time.
    /// 0 fits the identity on every frame.
    public var identityFrames = 40
    /// Slide the jawline landmarks along the model's contour bands to the silhouette.
    public var slideContour = true
    /// How a sliding jawline landmark picks its model point: the band point nearest its observation
    /// (the default: human annotations and trackers do not follow the geometric silhouette exactly;
    /// with temporal smoothing on, the observation is averaged over ±2 frames for this choice, so noise
    /// does not make the choice flicker), or the silhouette under the current pose (the outermost
    /// projection of its band).
    public var contourRule: ContourRule = .nearest
    /// Whether the jaw points of the side turned away from the camera lie on the cheek's outline
    /// (`FarSideSilhouette`, as eos fits them to occluding edges) instead of the contour band. nil: on for
    /// models whose contour bands came from eos's contour file (imported with `--contours`), whose bands
    /// follow the jaw bone's front edge; off for FaceAtlas's own models, whose bands were authored and
    /// calibrated for the nearest rule on both sides.
    public var farSideSilhouette: Bool? = nil
    /// The weight of MediaPipe Face Mesh's points against the 68 iBUG points, when the model has a dense
    /// embedding and the landmarks are dense (`ObservedSequence(_:dense:)`). Each point's weight is this times
    /// 1 / (1 + (spread / noise)²), its calibration spread (`SurfacePointEmbedding.spread`) against one noise
    /// unit in millimetres: the 468 points are not 468 independent measurements (one network predicts them all),
    /// and points that slide with the silhouette or sit on smooth skin are pinned down less than eye corners.
    public var denseLandmarkWeight = 1.0
    /// Worker threads for per-frame work (1 for one core; nil: all cores).
    public var threads: Int? = nil

    /// The defaults.
    public init() {}
}
