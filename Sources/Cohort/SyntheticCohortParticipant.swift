import Foundation
import Numerics

/// One synthetic participant: who they are (identity, group, score) and how they respond
/// (expressivity, per-action-unit gains, latency, blink rate), and their camera.
public struct SyntheticCohortParticipant: Sendable {
    /// Position in the cohort (0-based).
    public var index: Int
    /// The id: `S0001` for index 0.
    public var subject: String
    /// The diagnostic group.
    public var group: String
    /// The participant's own seed, derived from the master seed and the index.
    public var seed: UInt64
    /// The clinical score (the response model's `score.name`, e.g. HAMD), a whole number.
    public var score: Double
    /// Identity coefficients, SD units (truncated normal).
    public var identity: [Double]
    /// Overall expressivity: the group's times the participant's own.
    public var expressivity: Double
    /// Seconds from a stimulus onset to the first response (before per-recording jitter).
    public var latency: Double
    /// Multiplier of each expression component's stimulus gain (expressivity, group modifiers, the participant's
    /// own gains and asymmetry, score effects).
    public var componentGains: [Double]
    /// The same for the jaw action units AU26 and AU27.
    public var jawGains: (drop: Double, stretch: Double)
    /// Blinks per minute.
    public var blinkRate: Double
    /// Camera scale, pixels per mm.
    public var cameraScale: Double
    /// The face's centre (the model origin) in the image, pixels.
    public var cameraCentre: SIMD2<Double>
    /// The participant's gain per FACS label (log-normal draw times group modifier and score effect), for reports.
    public var labelGains: [String: Double]

    /// The id of the participant at `index`: `S0001`, `S0002`, ...
    public static func subjectID(_ index: Int) -> String {
        String(format: "S%04d", index + 1)
    }

    /// A seed derived from `seed` and `index` (SplitMix64 of their mix), so that every participant and
    /// recording has its own stream of random numbers whatever the order they are made in.
    public static func derivedSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var generator = SeededGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: index + 1) &* 0x9E37_79B9_7F4A_7C15))
        return generator.next()
    }

    /// Draws participant `index` of `group` from the participant's seed.
    public init(index: Int, group: String, seed: UInt64, response: SyntheticCohortResponseModel,
                actionUnits: SyntheticCohortActionUnits, identityCount: Int, settings: SyntheticCohortSettings) {
        guard let profile = response.group(named: group) else { preconditionFailure("group \(group) is not in the response model") }
        var rng = SeededGenerator(seed: seed)
        let v = response.variability
        self.index = index
        self.subject = Self.subjectID(index)
        self.group = group
        self.seed = seed
        identity = (0..<identityCount).map { _ in
            var x = rng.nextGaussian()
            while abs(x) > v.identityTruncation { x = rng.nextGaussian() }
            return x
        }
        let s = response.score
        score = min(s.maximum, max(s.minimum, (profile.scoreMean + profile.scoreSD * rng.nextGaussian()).rounded()))
        let z = (score - s.reference) / s.scale
        expressivity = profile.expressivity * exp(v.expressivitySD * rng.nextGaussian())
        latency = max(0, response.timing.latencySeconds + profile.latencySeconds + v.latencySD * rng.nextGaussian())
        // One gain and one left/right asymmetry per FACS label, in sorted label order.
        var own: [String: Double] = [:], asymmetry: [String: Double] = [:]
        for label in actionUnits.allLabels {
            own[label] = exp(v.gainSD * rng.nextGaussian())
            asymmetry[label] = exp(v.asymmetrySD * rng.nextGaussian())
        }
        let expressivity = self.expressivity
        componentGains = (0..<actionUnits.count).map { c in
            let label = actionUnits.labels[c]
            var side = 1.0
            if let unilateral = actionUnits.unilateralSide[c] {
                let ratio = asymmetry[label] ?? 1
                side = unilateral == .left ? ratio.squareRoot() : 1 / ratio.squareRoot()
            }
            return expressivity * actionUnits.factor(profile.gainModifiers, component: c) * (own[label] ?? 1) * side
                * exp(actionUnits.sum(s.actionUnitEffects, component: c) * z)
        }
        func jawGain(_ label: String) -> Double {
            expressivity * actionUnits.factor(profile.gainModifiers, jaw: label) * (own[label] ?? 1)
                * exp(actionUnits.sum(s.actionUnitEffects, jaw: label) * z)
        }
        jawGains = (jawGain("AU26"), jawGain("AU27"))
        var labelGains: [String: Double] = [:]
        for label in actionUnits.allLabels {
            let modifier = profile.gainModifiers.reduce(1.0) { $1.key.uppercased() == label ? $0 * $1.value : $0 }
            let effect = s.actionUnitEffects.reduce(0.0) { $1.key.uppercased() == label ? $0 + $1.value : $0 }
            labelGains[label] = expressivity * modifier * (own[label] ?? 1) * exp(effect * z)
        }
        self.labelGains = labelGains
        blinkRate = response.blinks.ratePerMinute * exp(response.blinks.rateSD * rng.nextGaussian())
        let r = settings.scaleRange
        cameraScale = r.lowerBound + (r.upperBound - r.lowerBound) * rng.nextUniform()
        let centre = SIMD2<Double>(Double(settings.imageSize.x) / 2, Double(settings.imageSize.y) / 2)
        cameraCentre = centre + settings.centreJitterPixels * SIMD2(rng.nextGaussian(), rng.nextGaussian())
    }
}
