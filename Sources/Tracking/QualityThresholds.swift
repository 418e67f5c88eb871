/// When a tracked frame counts as failed. A failed frame is kept in the sequence, invalid, with
/// every reason that applies.
public struct QualityThresholds: Sendable, Equatable {
    /// Frames whose face has a lower detection score are invalid ("low detection score").
    public var minimumScore = 0.0
    /// Frames whose face is less sharp than this (`Sharpness`) are invalid ("blurred").
    public var minimumSharpness = 15.0
    /// Frames with more landmarks than this outside the image are invalid ("face partly outside the frame").
    public var maximumPointsOutside = 0
    /// Frames in which more than one face is seen are invalid ("more than one face"): with one
    /// participant per video, another face means the participant may be confused with someone else.
    public var rejectSeveralFaces = true

    /// The defaults: score ≥ 0, sharpness ≥ 15, every point inside, one face only.
    public init() {}
}
