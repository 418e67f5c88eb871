/// How precisely each of the 68 iBUG landmarks is located, relative to one noise unit of the fit.
///
/// Human annotators and trackers do not place every point equally well. Eye corners and lid margins
/// sit on sharp, high-contrast edges; lip contours on the vermilion border; brows on a fuzzy edge; and
/// the jawline on no feature at all, only somewhere along an outline. With one noise level for all, the
/// fitter trusts a jawline point as much as a lid point, and the few millimetres that a cheek raiser
/// (AU6) or a lid tightener (AU7) moves the lower lids weigh less than the sparsity prior: a smile reads
/// without AU6. Chosen on the real-face development set (`faceatlas bench real`; README, Reconstruction).
public enum LandmarkNoise: String, Codable, Sendable, CaseIterable {
    /// One noise level for every landmark.
    case uniform
    /// Per facial feature: jawline √2, brows and nose 1, eyes ½, lips 1/√2 noise units.
    case byFeature = "by-feature"

    /// The standard deviation of landmark `index` (0–67), in noise units.
    public func scale(of index: Int) -> Double {
        switch self {
        case .uniform: return 1
        case .byFeature:
            switch index {
            case 0..<17: return 2.0.squareRoot()
            case 36..<48: return 0.5
            case 48..<68: return 0.5.squareRoot()
            default: return 1
            }
        }
    }

    /// The weight of landmark `index` in the fit's least squares (1 / scale²).
    public func weight(of index: Int) -> Double {
        let s = scale(of: index)
        return 1 / (s * s)
    }
}
