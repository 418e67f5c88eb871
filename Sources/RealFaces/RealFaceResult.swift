/// The measures of one real face, or of one labelled time span of a video: how well the fit follows
/// the input landmarks, how plausible its identity is, and its action units.
public struct RealFaceResult: Sendable, Codable {
    /// Where a face's input landmarks came from.
    public enum Origin: String, Sendable, Codable {
        /// A human annotation (`.pts`, `.ljson`).
        case annotation
        /// An imglab XML dataset (for dlib's examples: dlib's own predictor).
        case imglab
        /// FaceAtlas's dlib tracker.
        case tracker
    }

    /// A time span of a video, seconds.
    public struct Span: Sendable, Equatable, Codable {
        /// The start.
        public var fromSeconds: Double
        /// The end.
        public var toSeconds: Double

        /// Creates a span.
        public init(fromSeconds: Double, toSeconds: Double) {
            self.fromSeconds = fromSeconds
            self.toSeconds = toSeconds
        }
    }

    /// The face's name: the file, `#n` for the n-th face of a photo with several, `@from-to s` for a video span.
    public var name: String
    /// The photo or video, relative to the data folder.
    public var file: String
    /// Where the input landmarks came from.
    public var origin: Origin
    /// The landmark file (relative to the data folder), or "dlib tracker".
    public var landmarks: String
    /// The name of the fit the face belongs to (the video for its spans; the face itself for a still).
    public var fit: String
    /// The span of a video segment; nil for a still face.
    public var span: Span?
    /// Frames in the face (1 for a still) or span.
    public var frames: Int
    /// Of them, frames with landmarks.
    public var validFrames: Int
    /// The time of the frame shown on the contact sheet (a video span's middle valid frame).
    public var sheetFrameTime: Double?
    /// Mean landmark NME over the valid frames (`LandmarkNME`); nil without valid frames.
    public var nme: Double?
    /// The fitted identity's plausibility (the same for every span of a video).
    public var identity: IdentityPlausibility
    /// Pooled action-unit intensities (`ActionUnitPooling`): a still face's, or a span's median over its
    /// valid frames; empty without valid frames.
    public var actionUnits: [String: Double]
    /// The jaw opening, degrees (the median over a span's valid frames).
    public var jawDegrees: Double?
    /// The line of the label that covers the face, if one does.
    public var labelLine: Int?
    /// The verdict of the face's label; nil without a label, or when there were no valid frames to judge.
    public var label: LabelVerdict?
    /// Anything the benchmark noticed (tracking problems).
    public var notes: [String]

    /// Creates a result.
    public init(name: String, file: String, origin: Origin, landmarks: String, fit: String, span: Span? = nil, frames: Int,
                validFrames: Int, sheetFrameTime: Double? = nil, nme: Double?, identity: IdentityPlausibility,
                actionUnits: [String: Double], jawDegrees: Double?, label: LabelVerdict? = nil, notes: [String] = []) {
        self.name = name
        self.file = file
        self.origin = origin
        self.landmarks = landmarks
        self.fit = fit
        self.span = span
        self.frames = frames
        self.validFrames = validFrames
        self.sheetFrameTime = sheetFrameTime
        self.nme = nme
        self.identity = identity
        self.actionUnits = actionUnits
        self.jawDegrees = jawDegrees
        self.label = label
        self.notes = notes
    }

    /// The `count` most intense action units, strongest first (ties by name). AU27 is left out when
    /// AU26 is there: both are the same jaw opening.
    public func topActionUnits(_ count: Int = 3) -> [(label: String, intensity: Double)] {
        actionUnits.filter { $0.key != "AU27" || actionUnits["AU26"] == nil }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(count).map { ($0.key, $0.value) }
    }
}
