import Foundation

/// Everything `SequenceTracker` needs besides its inputs.
public struct TrackingOptions: Sendable {
    /// Frame sampling, and the frame size the landmarks are reported in (`resize`: faces are
    /// still found in the frames as decoded; see `SequenceTracker`).
    public var decode = DecodeOptions()
    /// Face search and quality thresholds.
    public var tracker = TrackerSettings()
    /// Write aligned face crops of the valid frames here (`FaceCrop`), named by frame
    /// (`000012.png`); nil writes none.
    public var cropsFolder: URL?
    /// The side of a face crop in pixels.
    public var cropSize = 224

    /// The defaults: 5 frames per second, no resize, no crops.
    public init() {}
}
