import FaceModel
import Fitting
import Foundation
import Landmarks
import Numerics
import ParameterFiles

extension SyntheticCohortRecording {
    /// What a 2D tracker reports for this recording, and the noise-free landmarks behind it.
    public struct Tracked: Sendable {
        /// The landmark sequence: noisy points, dropped frames invalid (NaN points) with a reason.
        public var sequence: LandmarkSequence
        /// Noise-free landmarks per frame (pixels), for every frame.
        public var clean: [[SIMD2<Double>]]
    }

    /// The tracked landmarks through the recording's camera, with Gaussian noise of `noisePixels` per coordinate
    /// drawn from `seed`. The projector's rows hold the participant's identity already (`LandmarkRows.withIdentity`).
    public func tracked(projector: TrackedLandmarkProjector, noisePixels: Double, imageSize: SIMD2<Int>, seed: UInt64) -> Tracked {
        var rng = SeededGenerator(seed: seed)
        var frames: [LandmarkFrame] = []
        var clean: [[SIMD2<Double>]] = []
        frames.reserveCapacity(frameCount)
        for f in 0..<frameCount {
            let points = projector.landmarks(identity: [], expression: expression[f], jaw: jaw[f], rotation: rotation[f],
                                               scale: scale[f], translation: translation[f])
            clean.append(points)
            // Noise is drawn for every frame, so a dropped frame does not shift the noise of the frames after it.
            let noisy = points.map { $0 + noisePixels * SIMD2(rng.nextGaussian(), rng.nextGaussian()) }
            if dropped[f] {
                frames.append(LandmarkFrame(time: time[f], points: [SIMD2<Double>](repeating: SIMD2(.nan, .nan), count: 68),
                                            isValid: false, invalidReason: "synthetic: face lost"))
            } else {
                frames.append(LandmarkFrame(time: time[f], points: noisy).invalidatingMissingPoints())
            }
        }
        let sequence = LandmarkSequence(frames: frames, source: "faceatlas synth \(subject) \(stimulus)", imageSize: imageSize)
        return Tracked(sequence: sequence, clean: clean)
    }

    /// The ground truth as a parameter file (source `synthetic-truth`): the true identity, expression, pose
    /// (head and jaw axis-angle), camera (scale, tx, ty); confidence 0 on dropped frames; residual the mean
    /// distance of the tracked landmarks from the noise-free ones (pixels; NaN on dropped frames).
    public func truthFile(identity: [Double], tracked: Tracked, expressionNames: [String], modelMeta: FaceModelFile.Meta,
                          fps: Double, settings: [String: String]) -> ParameterFile {
        let meta = ParameterFile.Meta(
            modelID: modelMeta.id, modelSHA256: modelMeta.sha256, expressionNames: expressionNames,
            camera: .init(model: CameraModel.scaledOrthographic.rawValue), subject: subject, stimulus: stimulus, fps: fps,
            source: "synthetic-truth", detector: "none (generated)", fitterVersion: "faceatlas-synth 1", fitterSettings: settings)
        var residual: [Float] = [], normalized: [Float] = []
        for f in 0..<frameCount {
            let observed = tracked.sequence.frames[f]
            let pairs = zip(observed.points, tracked.clean[f]).filter { !$0.0.x.isNaN && !$0.1.x.isNaN }
            guard observed.isValid, !pairs.isEmpty else { residual.append(.nan); normalized.append(.nan); continue }
            let mean = pairs.reduce(0.0) { $0 + (($1.0 - $1.1) * ($1.0 - $1.1)).sum().squareRoot() } / Double(pairs.count)
            let corners = tracked.clean[f][36] - tracked.clean[f][45]
            residual.append(Float(mean))
            normalized.append(Float(mean / max((corners * corners).sum().squareRoot(), 1e-9)))
        }
        return ParameterFile(
            meta: meta, shape: identity.map(Float.init), expression: expression.map { $0.map(Float.init) },
            pose: (0..<frameCount).map { f in
                let w = rotation[f].axisAngle
                return [w.x, w.y, w.z, jaw[f], 0, 0].map(Float.init)
            },
            camera: (0..<frameCount).map { [Float(scale[$0]), Float(translation[$0].x), Float(translation[$0].y)] },
            time: time, confidence: dropped.map { $0 ? 0 : 1 }, residual: residual, residualNME: normalized)
    }
}
