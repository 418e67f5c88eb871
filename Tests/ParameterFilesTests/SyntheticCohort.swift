import FaceModel
import Fitting
import Foundation
import Numerics
import ParameterFiles

/// A synthetic cohort for the re-identification audit: participants with a fixed identity and
/// person-specific action-unit gains (how strongly each of a shared set of AUs is expressed), each recorded
/// several times with different expression timing, head motion and landmark noise. A recording becomes a
/// parameter file either by fitting its landmark sequence with the real default model, one recording at a time
/// (so two recordings of a person share no fitted values), or directly from its known parameters plus noise.
///
/// `SyntheticSequenceGenerator` draws its action units at random per sequence, so it cannot give a
/// person a behavioural signature; this builder projects the model's landmark rows itself, with the same
/// camera and silhouette rule as the generator.
struct SyntheticCohort {
    struct Participant {
        var subject: String
        var identity: [Double]
        /// Gain per signature AU (expression component index → peak intensity).
        var gains: [Int: Double]
    }

    let rows: LandmarkRows
    let model: FaceModel
    let modelMeta: FaceModelFile.Meta
    var frames = 30
    var fps = 5.0
    var noisePixels = 0.8

    init(frames: Int = 30) throws {
        let (model, meta) = try FaceModelFile.read(Project.defaultModel)
        self.model = model
        self.modelMeta = meta
        self.rows = LandmarkRows(model: model)
        self.frames = frames
    }

    /// The AUs every participant uses, with person-specific gains.
    var signatureComponents: [Int] {
        let candidates = (0..<rows.expressionCount).filter { rows.expressionIsActionUnit[$0] }
        return Array(candidates.enumerated().filter { $0.offset % 3 == 0 }.map(\.element).prefix(8))
    }

    /// `count` participants with random identities and AU gains.
    func participants(_ count: Int, seed: UInt64) -> [Participant] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { p in
            let identity = (0..<rows.identityCount).map { _ in rng.nextGaussian() }
            var gains: [Int: Double] = [:]
            for c in signatureComponents { gains[c] = 0.1 + 0.8 * rng.nextUniform() }
            return Participant(subject: String(format: "participant-%02d-Smith", p + 1), identity: identity, gains: gains)
        }
    }

    /// What happens in one recording: expression per frame, head rotation and image position.
    struct Trajectory {
        var psi: [[Double]]
        var rotations: [Rotation3]
        var translations: [SIMD2<Double>]
    }

    /// One recording of `participant`: each signature AU rises and falls once or twice at random times, to the
    /// person's gain (±10%); the head turns and drifts slowly at random.
    func trajectory(_ participant: Participant, seed: UInt64) -> Trajectory {
        var rng = SeededGenerator(seed: seed)
        let t = frames, duration = Double(frames)
        var psi = [[Double]](repeating: [Double](repeating: 0, count: rows.expressionCount), count: t)
        for (c, gain) in participant.gains.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<(1 + Int(rng.next() % 2)) {
                let onset = duration * 0.6 * rng.nextUniform(), length = duration * (0.25 + 0.3 * rng.nextUniform())
                let height = gain * (0.9 + 0.2 * rng.nextUniform())
                for f in 0..<t {
                    let x = (Double(f) - onset) / length
                    if x > 0 && x < 1 { psi[f][c] = min(1, max(psi[f][c], height * sin(.pi * x))) }
                }
            }
        }
        func motion(_ amplitude: Double) -> [Double] {
            let f1 = 0.5 + rng.nextUniform(), p1 = 2 * Double.pi * rng.nextUniform()
            return (0..<t).map { amplitude * sin(2 * .pi * f1 * Double($0) / duration + p1) }
        }
        let yaw = motion(15), pitch = motion(8), roll = motion(4), drift = motion(10)
        let rotations = (0..<t).map { f in
            Rotation3(axisAngle: SIMD3(0, yaw[f] * .pi / 180, 0)) * Rotation3(axisAngle: SIMD3(pitch[f] * .pi / 180, 0, 0))
                * Rotation3(axisAngle: SIMD3(0, 0, roll[f] * .pi / 180))
        }
        let translations = (0..<t).map { f in SIMD2<Double>(256, 256) + SIMD2(drift[f], 0.5 * drift[(f + t / 3) % t]) }
        return Trajectory(psi: psi, rotations: rotations, translations: translations)
    }

    /// The 2D landmarks (pixels, with noise) of a recording, as a tracker would give them: jawline points on the silhouette.
    func landmarks(_ participant: Participant, _ trajectory: Trajectory, seed: UInt64) -> ObservedSequence {
        var rng = SeededGenerator(seed: seed ^ 0x5EED)
        let s = 1.6, t = frames
        var points: [[SIMD3<Double>]] = []
        for f in 0..<t {
            let r = trajectory.rotations[f], tr = trajectory.translations[f]
            func project(_ p: LandmarkRows.Point) -> SIMD3<Double> {
                let y = r.apply(rows.position(p, identity: participant.identity, expression: trajectory.psi[f], jaw: 0))
                return SIMD3(s * y.x + tr.x, -s * y.y + tr.y, 0)
            }
            var lm = (0..<68).map { rows.defined[$0] ? project(rows.landmarks[$0]) : SIMD3<Double>(repeating: .nan) }
            let nose = lm[29]
            for i in 0..<17 where !rows.contour[i].isEmpty {
                var outward = lm[i] - nose
                outward /= max((outward * outward).sum().squareRoot(), 1e-9)
                lm[i] = rows.contour[i].map(project).max { (($0 - nose) * outward).sum() < (($1 - nose) * outward).sum() } ?? lm[i]
            }
            points.append(lm.map { $0 + SIMD3(noisePixels * rng.nextGaussian(), noisePixels * rng.nextGaussian(), 0) })
        }
        let weights = (0..<t).map { _ in (0..<68).map { rows.defined[$0] ? 1.0 : 0.0 } }
        return ObservedSequence(times: (0..<t).map { Double($0) / fps }, points: points, weights: weights,
                                imageSize: SIMD2(512, 512))
    }

    /// The header every cohort file gets.
    func meta(subject: String, stimulus: String, camera: String = "scaled-orthographic") -> ParameterFile.Meta {
        ParameterFile.Meta(
            modelID: modelMeta.id, modelSHA256: modelMeta.sha256, expressionNames: model.expressions.map(\.name),
            camera: .init(model: camera), subject: subject, stimulus: stimulus, fps: fps,
            source: "/site/raw/\(subject)_\(stimulus).csv", detector: "synthetic landmarks", fitterVersion: "faceatlas-fit 1",
            fitterSettings: [:])
    }

    /// A parameter file made directly from the known parameters of a recording plus the scatter a fit adds:
    /// Gaussian noise of SD `shapeNoise` on each identity coefficient (SD units) and `expressionNoise` on each
    /// AU intensity (clipped to 0…1), 0.01 rad on the pose.
    func knownParameters(_ participant: Participant, _ trajectory: Trajectory, subject: String, stimulus: String, seed: UInt64,
                         shapeNoise: Double = 0.5, expressionNoise: Double = 0.03) -> ParameterFile {
        var rng = SeededGenerator(seed: seed ^ 0xF17)
        let t = frames
        let shape = participant.identity.map { Float($0 + shapeNoise * rng.nextGaussian()) }
        let exp = trajectory.psi.map { row in row.map { Float(min(1, max(0, $0 + expressionNoise * rng.nextGaussian()))) } }
        let pose = trajectory.rotations.map { r -> [Float] in
            let w = r.axisAngle
            return [w.x, w.y, w.z, 0, 0, 0].map { Float($0 + 0.01 * rng.nextGaussian()) }
        }
        return ParameterFile(
            meta: meta(subject: subject, stimulus: stimulus), shape: shape, expression: exp, pose: pose,
            camera: trajectory.translations.map { [1.6, Float($0.x), Float($0.y)] },
            time: (0..<t).map { 1_700_000_000 + Double($0) / fps }, confidence: [Float](repeating: 1, count: t),
            residual: (0..<t).map { _ in Float(1 + 0.2 * rng.nextGaussian()) }, residualNME: [Float](repeating: 0.02, count: t))
    }

    /// Fits one recording and returns it as a parameter file.
    func fit(_ sequence: ObservedSequence, subject: String, stimulus: String, settings: FitSettings = FitSettings()) throws -> ParameterFile {
        let result = try SequenceFitter(rows: rows, settings: settings).fit([sequence])
        let seq = result.sequences[0]
        let meta = self.meta(subject: subject, stimulus: stimulus, camera: result.camera.rawValue)
        return ParameterFile(
            meta: meta, shape: result.identity.map(Float.init), expression: seq.expression.map { $0.map(Float.init) },
            pose: (0..<seq.time.count).map { f in
                let r = seq.rotation[f], j = seq.jaw[f]
                return [r.x, r.y, r.z, j.x, j.y, j.z].map(Float.init)
            },
            camera: (0..<seq.time.count).map { f in [Float(seq.scale[f]), Float(seq.translation[f].x), Float(seq.translation[f].y)] },
            time: seq.time.map { $0 + 1_700_000_000 },  // absolute timestamps, which anonymization must remove
            confidence: seq.valid.map { $0 ? 1 : 0 }, residual: seq.residualPixels.map(Float.init),
            residualNME: seq.residualNormalized.map(Float.init))
    }
}
