import Fitting
import Foundation
import Numerics

/// The ground truth of one synthetic recording (one participant watching one stimulus): per frame the
/// action-unit intensities, jaw opening, head pose and camera, and which frames the tracker loses.
public struct SyntheticCohortRecording: Sendable {
    /// The participant's id.
    public var subject: String
    /// The participant's group.
    public var group: String
    /// The stimulus watched.
    public var stimulus: String
    /// Frame times, seconds from the start of the recording.
    public var time: [Double]
    /// Expression coefficients per frame (T × E, action-unit intensities 0…1).
    public var expression: [[Double]]
    /// Jaw opening per frame, radians about +x.
    public var jaw: [Double]
    /// Head rotation per frame (model frame to camera frame).
    public var rotation: [Rotation3]
    /// Image position of the model origin per frame, pixels.
    public var translation: [SIMD2<Double>]
    /// Camera scale per frame, pixels per mm.
    public var scale: [Double]
    /// Frames in which the tracker loses the face.
    public var dropped: [Bool]
    /// When the stimulus starts (the end of the neutral baseline), seconds.
    public var stimulusOnset: Double
    /// When the first response episode begins, seconds.
    public var responseOnset: Double

    /// Number of frames.
    public var frameCount: Int { time.count }

    /// Draws the recording of `participant` watching `stimulus` from `seed`.
    public init(participant: SyntheticCohortParticipant, stimulus: SyntheticCohortResponseModel.Stimulus, seed: UInt64,
                response: SyntheticCohortResponseModel, actionUnits: SyntheticCohortActionUnits, settings: SyntheticCohortSettings) {
        var rng = SeededGenerator(seed: seed)
        let frames = settings.frames, fps = settings.fps
        let duration = Double(frames) / fps
        let timing = response.timing, v = response.variability
        subject = participant.subject
        group = participant.group
        self.stimulus = stimulus.name
        time = (0..<frames).map { Double($0) / fps }

        // Peak intensity of each action unit the stimulus elicits: components, then the two jaw units.
        let e = actionUnits.count
        var targets: [(component: Int?, jawDegrees: Double, peak: Double)] = []
        for c in 0..<e {
            let gain = actionUnits.sum(stimulus.gains, component: c)
            if gain > 0 { targets.append((c, 0, min(1, gain * participant.componentGains[c]))) }
        }
        if let jaw = actionUnits.jawDegrees {
            for (label, degrees, multiplier) in [("AU26", jaw.drop, participant.jawGains.drop), ("AU27", jaw.stretch, participant.jawGains.stretch)] {
                let gain = actionUnits.sum(stimulus.gains, jaw: label)
                if gain > 0 { targets.append((nil, degrees, min(1, gain * multiplier))) }
            }
        }

        // Response episodes from the onset to the end of the recording, each weaker than the last.
        stimulusOnset = min(timing.baselineSeconds, timing.baselineMaxFraction * duration)
        responseOnset = stimulusOnset + max(0, participant.latency + v.latencyJitterSD * rng.nextGaussian())
        var intensity = [[Double]](repeating: [Double](repeating: 0, count: frames), count: targets.count)
        var start = responseOnset, amplitude = 1.0
        while start < duration {
            func length(_ base: Double) -> Double { base * stimulus.timeScale * exp(v.durationSD * rng.nextGaussian()) }
            let rise = length(timing.riseSeconds), plateau = length(timing.plateauSeconds), decay = length(timing.decaySeconds)
            let height = amplitude * exp(v.episodeSD * rng.nextGaussian())
            for (k, target) in targets.enumerated() {
                let onset = start + timing.actionUnitOnsetJitterSeconds * rng.nextGaussian()
                for f in 0..<frames {
                    let envelope = Self.envelope(time[f] - onset, rise: rise, plateau: plateau, decay: decay)
                    intensity[k][f] = max(intensity[k][f], target.peak * height * envelope)
                }
            }
            var u = rng.nextUniform()
            while u <= .leastNormalMagnitude { u = rng.nextUniform() }
            start += rise + plateau + decay + timing.gapSeconds * stimulus.timeScale * -log(u)
            amplitude *= timing.habituation
        }
        // Slow fluctuation of each active unit while it is active.
        let noise = Self.ornsteinUhlenbeck(frames, sd: v.intensityNoise, timeConstant: 1, fps: fps, rng: &rng, count: targets.count)
        var expression = [[Double]](repeating: [Double](repeating: 0, count: e), count: frames)
        var jaw = [Double](repeating: 0, count: frames)
        for (k, target) in targets.enumerated() {
            for f in 0..<frames where intensity[k][f] > 0 {
                let value = min(1, max(0, intensity[k][f] + noise[k][f] * min(1, intensity[k][f] / 0.05)))
                if let c = target.component {
                    expression[f][c] = value
                } else {
                    jaw[f] = max(jaw[f], value * target.jawDegrees * .pi / 180)
                }
            }
        }

        // Blinks: a Poisson process; each a raised cosine on both eyes.
        let b = response.blinks
        if participant.blinkRate > 0, !actionUnits.blinkComponents.isEmpty {
            var t = 0.0
            while true {
                var u = rng.nextUniform()
                while u <= .leastNormalMagnitude { u = rng.nextUniform() }
                t += -log(u) * 60 / participant.blinkRate
                guard t < duration + b.durationSeconds else { break }
                for f in 0..<frames where abs(time[f] - t) < b.durationSeconds / 2 {
                    let value = b.intensity * 0.5 * (1 + cos(2 * .pi * (time[f] - t) / b.durationSeconds))
                    for c in actionUnits.blinkComponents { expression[f][c] = min(1, max(expression[f][c], value)) }
                }
            }
        }
        self.expression = expression
        self.jaw = jaw

        // Head pose: a constant offset plus slow drift; the face drifts in the image; the camera scale varies a little.
        let h = response.headMotion
        let offset = SIMD3(h.offsetPitchDegrees * rng.nextGaussian(), h.offsetYawDegrees * rng.nextGaussian(),
                           h.offsetRollDegrees * rng.nextGaussian())
        let drift = Self.ornsteinUhlenbeck(frames, sd: 1, timeConstant: h.timeConstantSeconds, fps: fps, rng: &rng, count: 3)
        let shift = Self.ornsteinUhlenbeck(frames, sd: h.translationPixels, timeConstant: h.translationTimeConstantSeconds, fps: fps,
                                           rng: &rng, count: 2)
        let degrees = Double.pi / 180
        rotation = (0..<frames).map { f in
            let pitch = (offset.x + h.pitchDegrees * drift[0][f]) * degrees
            let yaw = (offset.y + h.yawDegrees * drift[1][f]) * degrees
            let roll = (offset.z + h.rollDegrees * drift[2][f]) * degrees
            return Rotation3(axisAngle: SIMD3(0, yaw, 0)) * Rotation3(axisAngle: SIMD3(pitch, 0, 0)) * Rotation3(axisAngle: SIMD3(0, 0, roll))
        }
        translation = (0..<frames).map { participant.cameraCentre + SIMD2(shift[0][$0], shift[1][$0]) }
        let recordingScale = participant.cameraScale * exp(h.scaleSD * rng.nextGaussian())
        scale = [Double](repeating: recordingScale, count: frames)

        // Dropped frames: runs of 1–3 frames.
        var dropped = [Bool](repeating: false, count: frames)
        let target = Int((settings.droppedFraction * Double(frames)).rounded())
        var count = 0, attempts = 0
        while count < target && attempts < 100 * frames {
            attempts += 1
            let first = Int(rng.next() % UInt64(frames)), run = 1 + Int(rng.next() % 3)
            for f in first..<min(frames, first + run) where !dropped[f] && count < target {
                dropped[f] = true
                count += 1
            }
        }
        self.dropped = dropped
    }

    /// The episode shape at `t` seconds after its onset: smooth rise to 1, plateau, smooth decay to 0.
    static func envelope(_ t: Double, rise: Double, plateau: Double, decay: Double) -> Double {
        func smooth(_ x: Double) -> Double { x * x * (3 - 2 * x) }
        if t <= 0 { return 0 }
        if t < rise { return smooth(t / rise) }
        if t < rise + plateau { return 1 }
        if t < rise + plateau + decay { return smooth(1 - (t - rise - plateau) / decay) }
        return 0
    }

    /// `count` stationary Ornstein–Uhlenbeck series of `frames` samples with standard deviation `sd`.
    static func ornsteinUhlenbeck(_ frames: Int, sd: Double, timeConstant: Double, fps: Double, rng: inout SeededGenerator,
                                  count: Int) -> [[Double]] {
        let a = exp(-1 / (fps * timeConstant)), innovation = sd * (1 - a * a).squareRoot()
        return (0..<count).map { _ in
            var x = sd * rng.nextGaussian()
            return (0..<frames).map { _ in
                defer { x = a * x + innovation * rng.nextGaussian() }
                return x
            }
        }
    }
}
