import Landmarks

/// What `SyntheticCohortGenerator` makes, apart from how faces respond (`SyntheticCohortResponseModel`):
/// the cohort, the recordings and the acquisition (camera, tracker noise, dropped frames).
public struct SyntheticCohortSettings: Sendable {
    /// Groups and sizes.
    public var groups: SyntheticCohortGroups = .emofaceTraining
    /// The master seed: the same seed gives the same cohort, byte for byte.
    public var seed: UInt64 = 1
    /// Frames per recording.
    public var frames = 60
    /// Frames per second (the study sampled at 5).
    public var fps = 5.0
    /// Image size of the landmark coordinates, pixels (the study resized frames to 512 × 512).
    public var imageSize = SIMD2<Int>(512, 512)
    /// Range of a participant's camera scale, pixels per mm (uniform).
    public var scaleRange: ClosedRange<Double> = 1.3...1.9
    /// SD of a participant's face centre from the image centre, pixels.
    public var centreJitterPixels = 20.0
    /// SD of the tracker noise on each landmark coordinate, pixels.
    public var noisePixels = 1.0
    /// Fraction of frames in which the tracker loses the face (runs of 1–3 frames, marked invalid).
    public var droppedFraction = 0.03
    /// The landmark file format (`.npz` or `.csv`; both are read by `faceatlas fit`).
    public var landmarkFormat: LandmarkFormat = .npz
    /// Rendered videos, when wanted.
    public var videos: SyntheticCohortVideoSettings? = nil
    /// Worker threads (nil: all cores).
    public var threads: Int? = nil

    /// The defaults: the Emoface training cohort, 60 frames at 5 FPS, seed 1, no videos.
    public init() {}
}

/// How the face videos of a synthetic cohort are made.
public struct SyntheticCohortVideoSettings: Sendable {
    /// Frame width and height, pixels (the landmark image is scaled down to it).
    public var size = 256
    /// The ffmpeg encoder: `libx264` (H.264 in .mp4) or `mjpeg` (Motion JPEG in .avi).
    public var codec = SyntheticCohortVideoWriter.Codec.h264

    /// The defaults: 256 × 256 H.264.
    public init() {}
}
