import Foundation
import Landmarks
import Numerics

/// Landmark sequences made from a model with known ground truth, for tests and benchmarks.
///
/// A sequence has a random identity (β ~ N(0, 1)), a few action units rising and falling
/// smoothly (onset, peak, decay), occasional jaw opening, smooth head motion within the given
/// yaw and pitch ranges, a scaled-orthographic camera, Gaussian pixel noise, and runs of dropped
/// frames. Jawline landmarks are taken where a 2D tracker finds them: on the silhouette, the
/// outermost projected point of each contour band. With `Options.dense` and rows that have MediaPipe's
/// points (`LandmarkRows.withDenseLandmarks(of:)`), each frame also holds the 468 mesh points as a dense
/// tracker gives them, weighted as `ObservedSequence(_:dense:)` weighs them.
public struct SyntheticSequenceGenerator: Sendable {
    /// What to generate.
    public struct Options: Sendable {
        public var frames = 300
        public var fps = 5.0
        public var noisePixels = 1.0
        public var missingFraction = 0.05
        public var maxYawDegrees = 40.0
        public var maxPitchDegrees = 20.0
        public var maxRollDegrees = 8.0
        public var imageSize = SIMD2<Double>(512, 512)
        /// Pixels per millimetre of the camera.
        public var scale = 1.6
        public var activeActionUnits = 5
        /// Constant expression (no dynamics) and no head motion: for jitter tests.
        public var staticFace = false
        /// MediaPipe's 468 points after the 68 (when the rows have them), with the same pixel noise: the jawline
        /// (iBUG 0–16) and the mesh points except the face oval are weighted, the inner iBUG points are not.
        public var dense = false
        public init() {}
    }

    /// The ground truth of a generated sequence.
    public struct Truth: Sendable {
        public var identity: [Double]
        public var expression: [[Double]]
        public var jaw: [Double]
        public var rotation: [Rotation3]
        public var translation: [SIMD2<Double>]
        public var scale: Double
        /// Noise-free landmarks (pixels) per frame: 68, then the dense points when generated.
        public var cleanLandmarks: [[SIMD3<Double>]]
        /// The expression components that were active.
        public var activeComponents: [Int]
    }

    public let rows: LandmarkRows
    public var options: Options

    public init(rows: LandmarkRows, options: Options = Options()) {
        self.rows = rows
        self.options = options
    }

    /// Generates one sequence; `identity` overrides the random identity (to make several sequences of one participant).
    public func make(seed: UInt64, identity: [Double]? = nil) -> (ObservedSequence, Truth) {
        var rng = SeededGenerator(seed: seed)
        let T = options.frames
        let K = rows.identityCount, E = rows.expressionCount
        let beta = identity ?? (0..<K).map { _ in rng.nextGaussian() }
        // Expression trajectories: bumps on a few components.
        var active: [Int] = []
        let candidates = (0..<E).filter { rows.expressionIsActionUnit[$0] }
        while active.count < min(options.activeActionUnits, candidates.count) {
            let c = candidates[Int(rng.next() % UInt64(candidates.count))]
            if !active.contains(c) { active.append(c) }
        }
        var psi = [[Double]](repeating: [Double](repeating: 0, count: E), count: T)
        var jaw = [Double](repeating: 0, count: T)
        let duration = Double(T)
        for c in active {
            let peak = 0.4 + 0.6 * rng.nextUniform()
            if options.staticFace {
                for t in 0..<T { psi[t][c] = peak }
                continue
            }
            let onset = duration * (0.05 + 0.5 * rng.nextUniform())
            let rise = max(3, duration * (0.05 + 0.1 * rng.nextUniform()))
            let hold = duration * (0.1 + 0.3 * rng.nextUniform())
            let fall = max(3, duration * (0.05 + 0.15 * rng.nextUniform()))
            for t in 0..<T {
                let x = Double(t)
                var v = 0.0
                if x >= onset && x < onset + rise { v = (x - onset) / rise }
                else if x >= onset + rise && x < onset + rise + hold { v = 1 }
                else if x >= onset + rise + hold && x < onset + rise + hold + fall { v = 1 - (x - onset - rise - hold) / fall }
                let smooth = v * v * (3 - 2 * v)
                psi[t][c] = peak * smooth
            }
        }
        if rows.jawPivot != nil && !options.staticFace {
            let onset = duration * rng.nextUniform() * 0.7, length = duration * 0.15, peak = 0.05 + 0.2 * rng.nextUniform()
            for t in 0..<T {
                let x = (Double(t) - onset) / length
                if x > 0 && x < 1 { jaw[t] = peak * sin(.pi * x) }
            }
        }
        // Head motion: sums of slow sines within the ranges.
        func motion(_ amplitude: Double) -> [Double] {
            if options.staticFace { return [Double](repeating: 0, count: T) }
            let f1 = 0.5 + rng.nextUniform(), f2 = 1.5 + 2 * rng.nextUniform()
            let p1 = 2 * Double.pi * rng.nextUniform(), p2 = 2 * Double.pi * rng.nextUniform()
            return (0..<T).map { t in
                let x = Double(t) / duration
                return amplitude * (0.75 * sin(2 * .pi * f1 * x + p1) + 0.25 * sin(2 * .pi * f2 * x + p2))
            }
        }
        let yaw = motion(options.maxYawDegrees), pitch = motion(options.maxPitchDegrees), roll = motion(options.maxRollDegrees)
        let drift = motion(20)
        var rotations: [Rotation3] = []
        var translations: [SIMD2<Double>] = []
        var clean: [[SIMD3<Double>]] = []
        var points: [[SIMD3<Double>]] = []
        var weights: [[Double]] = []
        // Dropped frames: runs of 1–3 frames.
        var missing = [Bool](repeating: false, count: T)
        var dropped = 0
        while Double(dropped) < options.missingFraction * Double(T) {
            let start = Int(rng.next() % UInt64(T)), length = 1 + Int(rng.next() % 3)
            for t in start..<min(T, start + length) where !missing[t] { missing[t] = true; dropped += 1 }
        }
        let s = options.scale
        let dense = options.dense && rows.denseCount > 0
        let ibug = LandmarkRows.ibugCount
        var denseWeights = [Double](repeating: 0, count: dense ? rows.denseCount : 0)
        if dense {
            for i in 0..<rows.denseCount where rows.defined[ibug + i] { denseWeights[i] = 1 }
            for i in MediaPipeToIBUG.faceOval where i < denseWeights.count { denseWeights[i] = 0 }
        }
        for t in 0..<T {
            let r = Rotation3(axisAngle: SIMD3(0, yaw[t] * .pi / 180, 0)) * Rotation3(axisAngle: SIMD3(pitch[t] * .pi / 180, 0, 0))
                * Rotation3(axisAngle: SIMD3(0, 0, roll[t] * .pi / 180))
            let tr = options.imageSize / 2 + SIMD2(drift[t], 0.5 * drift[(t + T / 3) % T])
            func project(_ p: LandmarkRows.Point) -> SIMD3<Double> {
                let y = r.apply(rows.position(p, identity: beta, expression: psi[t], jaw: jaw[t]))
                return SIMD3(s * y.x + tr.x, -s * y.y + tr.y, 0)
            }
            var lm = (0..<68).map { rows.defined[$0] ? project(rows.landmarks[$0]) : SIMD3<Double>(repeating: .nan) }
            // Silhouette: the outermost candidate along the direction from the nose bridge to the frontal contour point.
            let centre = lm[29]
            for i in 0..<17 where !rows.contour[i].isEmpty {
                var outward = lm[i] - centre
                outward /= max((outward * outward).sum().squareRoot(), 1e-9)
                var best = lm[i], bestDot = -Double.infinity
                for p in rows.contour[i] {
                    let q = project(p)
                    let d = ((q - centre) * outward).sum()
                    if d > bestDot { bestDot = d; best = q }
                }
                lm[i] = best
            }
            if dense {
                lm += (ibug..<rows.landmarks.count).map { rows.defined[$0] ? project(rows.landmarks[$0]) : SIMD3<Double>(repeating: .nan) }
            }
            rotations.append(r)
            translations.append(tr)
            clean.append(lm)
            let noisy = lm.map { $0 + SIMD3(options.noisePixels * rng.nextGaussian(), options.noisePixels * rng.nextGaussian(), 0) }
            points.append(noisy)
            let w68 = (0..<68).map { missing[t] || !rows.defined[$0] ? 0.0 : 1 }
            weights.append(dense ? Array(w68.prefix(17)) + Array(repeating: 0, count: 51) + denseWeights.map { missing[t] ? 0 : $0 } : w68)
        }
        let observed = ObservedSequence(times: (0..<T).map { Double($0) / options.fps }, points: points, weights: weights,
                                        imageSize: options.imageSize)
        return (observed, Truth(identity: beta, expression: psi, jaw: jaw, rotation: rotations, translation: translations,
                                scale: s, cleanLandmarks: clean, activeComponents: active))
    }
}
