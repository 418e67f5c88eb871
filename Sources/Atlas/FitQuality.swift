import ParameterFiles

/// How much a fitted recording counts in the atlas's group averages.
///
/// A frame's weight is its tracking confidence times a fit-quality factor that halves at
/// `halfWeightNME` (residual normalised by the outer-eye-corner distance):
/// `w_t = c_t / (1 + (nme_t / halfWeightNME)²)`. Invalid frames (confidence 0) weigh nothing, and so
/// does a frame whose residual is not finite. A recording's quality is the mean frame weight over all
/// its frames (so dropped frames lower it), and a participant's weight in a group average is the
/// manifest weight times the mean quality of the participant's recordings.
public enum FitQuality {
    /// The normalised residual at which a frame counts half (5 % of the eye-corner distance: a poor fit).
    public static let halfWeightNME = 0.05

    /// The weight of one frame.
    public static func frameWeight(confidence: Float, nme: Float) -> Double {
        guard confidence > 0, confidence.isFinite, nme.isFinite else { return 0 }
        let r = Double(nme) / halfWeightNME
        return Double(min(confidence, 1)) / (1 + r * r)
    }

    /// The quality of a recording, 0…1: the mean frame weight.
    public static func quality(of file: ParameterFile) -> Double {
        guard file.frameCount > 0 else { return 0 }
        var sum = 0.0
        for t in 0..<file.frameCount { sum += frameWeight(confidence: file.confidence[t], nme: file.residualNME[t]) }
        return sum / Double(file.frameCount)
    }
}
