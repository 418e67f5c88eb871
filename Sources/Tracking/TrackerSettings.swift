/// How the tracker searches for the participant's face, frame after frame.
///
/// Every frame is searched whole (reduced so that its longer side is at most `searchMaximumSide`), so that
/// its landmarks depend on it alone; the previous frame only says which face is the participant's. A frame with
/// no face above dlib's threshold is searched again enlarged (`upsampling`).
public struct TrackerSettings: Sendable, Equatable {
    /// Full-frame searches run on the frame reduced so that its longer side is at most this
    /// (1280: faces from about 80 px in a 1280-px frame, 120 px in a 1920-px one).
    public var searchMaximumSide = 1280
    /// When a full-frame search finds no face, it is repeated on the frame enlarged by this
    /// factor (dlib's usual remedy for faces under 80 px), as long as the enlarged frame's longer
    /// side stays within `upsampledMaximumSide`; 1 turns it off.
    public var upsampling = 2.0
    /// The longest side an enlarged frame may have.
    public var upsampledMaximumSide = 1600
    /// The lowest detection score accepted for the followed face once it is known (a little below dlib's
    /// 0, to keep a face through a weak frame; `QualityThresholds.minimumScore` still marks it).
    public var trackingThreshold = -0.3
    /// The lowest score accepted when searching the whole frame (dlib's default).
    public var searchThreshold = 0.0
    /// A face found by a full-frame search after the face was lost is taken only if its centre
    /// is within this many previous-box widths of the last place seen (0 or less: any distance).
    public var reacquireDistance = 0.0
    /// What makes a frame invalid.
    public var quality = QualityThresholds()

    /// The defaults.
    public init() {}
}
