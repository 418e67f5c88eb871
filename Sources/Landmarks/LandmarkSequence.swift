import Foundation

/// A sequence of 68-point landmark frames from one video (or one image), as read from a
/// tracker's output: what the fitter fits a face model to.
///
/// Invalid frames (tracking failed, missing points) are kept in place with weight 0, so
/// `frames.count` is always the number of frames in the source.
public struct LandmarkSequence: Sendable {
    /// The number of landmarks in a frame: the iBUG 300-W 68-point markup.
    public static let pointCount = 68

    /// The frames in time order.
    public var frames: [LandmarkFrame]
    /// The file (or folder of files) the sequence came from.
    public var source: String
    /// The image size in pixels (width, height), when known.
    public var imageSize: SIMD2<Int>?
    /// OpenFace action-unit columns (`AU01_r`, `AU12_c`, ...), one value per frame; empty otherwise.
    public var actionUnits: [String: [Double]]
    /// Quality columns from a CSV file (detection score, blur, head pose, ...), one value per frame.
    public var extraColumns: [String: [Double]]

    /// Creates a sequence of `frames` read from `source`, with no action units or extra columns.
    public init(frames: [LandmarkFrame], source: String, imageSize: SIMD2<Int>? = nil) {
        self.frames = frames
        self.source = source
        self.imageSize = imageSize
        self.actionUnits = [:]
        self.extraColumns = [:]
    }

    /// The number of valid frames.
    public var validCount: Int { frames.reduce(0) { $0 + ($1.isValid ? 1 : 0) } }

    /// Seconds from the first frame to the last; 0 for fewer than two frames.
    public var duration: Double {
        guard let first = frames.first, let last = frames.last else { return 0 }
        return last.time - first.time
    }

    /// The frame rate: one over the median of the positive gaps between consecutive frames,
    /// or `nil` with fewer than two frames or no positive gap.
    public var estimatedFPS: Double? {
        guard frames.count >= 2 else { return nil }
        let gaps = zip(frames.dropFirst(), frames).map { $0.time - $1.time }.filter { $0 > 0 }.sorted()
        guard !gaps.isEmpty else { return nil }
        let middle = gaps.count / 2
        let median = gaps.count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2
        return 1 / median
    }

    /// Frame rates a camera plausibly records at; outside them, the times are probably in the wrong unit.
    public static let plausibleFrameRates: ClosedRange<Double> = 1...240

    /// Why the frame times look wrong, if they do: times that go backwards or repeat, or steps whose rate is
    /// outside `plausibleFrameRates` (an OpenFace CSV whose timestamps step by 1 ms reads as 1000 frames per
    /// second). Nil when the times look like a video's.
    public var timingProblem: String? {
        guard frames.count >= 2 else { return nil }
        let steps = zip(frames.dropFirst(), frames).map { $0.time - $1.time }
        if steps.contains(where: { !$0.isFinite }) { return "some frame times are not finite numbers" }
        let backwards = steps.filter { $0 <= 0 }.count
        if backwards > 0 { return "\(backwards) of \(steps.count) frame times do not increase (repeated or out of order)" }
        if let fps = estimatedFPS, !Self.plausibleFrameRates.contains(fps) {
            return String(format: "the frame times step by %.4g s (%.4g frames per second), outside %.0f–%.0f: are the times in another unit? Give --fps with --resample to set the rate",
                          1 / fps, fps, Self.plausibleFrameRates.lowerBound, Self.plausibleFrameRates.upperBound)
        }
        return nil
    }
}

extension LandmarkSequence: Equatable {
    /// Sequences are equal when every field is; NaN equals NaN in frames and columns.
    public static func == (lhs: LandmarkSequence, rhs: LandmarkSequence) -> Bool {
        lhs.frames == rhs.frames && lhs.source == rhs.source && lhs.imageSize == rhs.imageSize
            && sameColumns(lhs.actionUnits, rhs.actionUnits) && sameColumns(lhs.extraColumns, rhs.extraColumns)
    }

    private static func sameColumns(_ lhs: [String: [Double]], _ rhs: [String: [Double]]) -> Bool {
        guard lhs.keys.sorted() == rhs.keys.sorted() else { return false }
        return lhs.allSatisfy { name, values in
            guard let other = rhs[name], other.count == values.count else { return false }
            return zip(values, other).allSatisfy { $0.sameValue(as: $1) }
        }
    }
}
