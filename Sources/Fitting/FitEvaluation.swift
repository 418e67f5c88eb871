import FaceModel
import Foundation
import Numerics

/// Accuracy of a fit against synthetic ground truth, as `faceatlas bench fit` reports it.
public struct FitEvaluation: Sendable, Codable {
    /// Mean landmark error of the fit against the (noisy) observations, over the outer-eye-corner distance.
    public var nmeObserved: Double
    /// Mean landmark error of the fit against the noise-free truth.
    public var nmeTruth: Double
    /// The noise floor: the expected NME of the noise itself (σ√(π/2) over the eye distance).
    public var nmeNoiseFloor: Double
    /// Pearson r between fitted and true intensities of the action units active in the truth (mean over them).
    public var actionUnitCorrelation: Double
    /// Mean absolute error of those intensities.
    public var actionUnitMeanAbsoluteError: Double
    /// Identity RMSE (mm, face area, after similarity alignment) of the fit and of the mean face.
    public var identityRMSE: Double
    public var meanFaceRMSE: Double
    /// Median head-rotation error, degrees.
    public var medianPoseErrorDegrees: Double
    /// The fitted and true intensities of each active component over the valid frames, for pooled per-AU statistics.
    public var activeSeries: [ComponentSeries]

    /// One expression component's fitted and true intensity per valid frame.
    public struct ComponentSeries: Sendable, Codable {
        public var component: Int
        public var fitted: [Double]
        public var truth: [Double]
    }

    /// Evaluates `result` (one sequence) against `truth`.
    public init(model: FaceModel, result: FitResult, observed: ObservedSequence, truth: SyntheticSequenceGenerator.Truth, noisePixels: Double) {
        let seq = result.sequences[0]
        var nmeObs: [Double] = [], nmeTrue: [Double] = [], eyes: [Double] = []
        for t in 0..<observed.count where observed.isValid(t) {
            let clean = truth.cleanLandmarks[t]
            let d = clean[36] - clean[45]
            let eye = (d.x * d.x + d.y * d.y).squareRoot()
            eyes.append(eye)
            var eo = 0.0, et = 0.0, n = 0.0
            for i in observed.weights[t].indices where observed.weights[t][i] > 0 {
                let f = i < 68 ? seq.landmarks[t][i] : seq.densePoints[t][i - 68]
                let a = f - observed.points[t][i], b = f - clean[i]
                eo += (a.x * a.x + a.y * a.y).squareRoot(); et += (b.x * b.x + b.y * b.y).squareRoot(); n += 1
            }
            nmeObs.append(eo / n / eye); nmeTrue.append(et / n / eye)
        }
        nmeObserved = Statistics.mean(nmeObs)
        nmeTruth = Statistics.mean(nmeTrue)
        nmeNoiseFloor = noisePixels * (Double.pi / 2).squareRoot() / Statistics.mean(eyes)
        var rs: [Double] = [], maes: [Double] = []
        var series: [ComponentSeries] = []
        for c in truth.activeComponents {
            let frames = (0..<observed.count).filter { observed.isValid($0) }
            let x = frames.map { seq.expression[$0][c] }, y = frames.map { truth.expression[$0][c] }
            series.append(ComponentSeries(component: c, fitted: x, truth: y))
            rs.append(Statistics.pearson(x, y))
            maes.append(Statistics.mean(zip(x, y).map { abs($0 - $1) }))
        }
        activeSeries = series
        actionUnitCorrelation = Statistics.mean(rs)
        actionUnitMeanAbsoluteError = Statistics.mean(maes)
        let area = model.vertexRegions.indices.filter { model.vertexRegions[$0] > 0 }
        let reference = model.vertices(FaceParameters(identity: truth.identity.map(Float.init)))
        let fitted = model.vertices(FaceParameters(identity: result.identity.map(Float.init)))
        let mean = model.vertices()
        identityRMSE = FitEvaluation.alignedRMSE(area.map { fitted[$0] }, area.map { reference[$0] })
        meanFaceRMSE = FitEvaluation.alignedRMSE(area.map { mean[$0] }, area.map { reference[$0] })
        var pose: [Double] = []
        for t in 0..<observed.count where observed.isValid(t) {
            let e = (Rotation3(axisAngle: seq.rotation[t]) * truth.rotation[t].transposed).axisAngle
            pose.append((e * e).sum().squareRoot() * 180 / .pi)
        }
        medianPoseErrorDegrees = Statistics.median(pose)
    }

    /// RMSE between point sets after the best similarity transform of `a` onto `b` (Umeyama).
    public static func alignedRMSE(_ a: [SIMD3<Float>], _ b: [SIMD3<Float>]) -> Double {
        let n = Double(a.count)
        let pa = a.map { SIMD3<Double>($0) }, pb = b.map { SIMD3<Double>($0) }
        let ca = pa.reduce(.zero, +) / n, cb = pb.reduce(.zero, +) / n
        var cov = Matrix(rows: 3, columns: 3)
        var varA = 0.0
        for (x, y) in zip(pa, pb) {
            let u = x - ca, v = y - cb
            varA += (u * u).sum()
            for r in 0..<3 { for c in 0..<3 { cov[r, c] += v[r] * u[c] } }
        }
        guard let svd = try? cov.svd() else { return .nan }
        var d = Matrix.identity(3)
        let r0 = svd.u * svd.vt
        let det = r0[0, 0] * (r0[1, 1] * r0[2, 2] - r0[1, 2] * r0[2, 1]) - r0[0, 1] * (r0[1, 0] * r0[2, 2] - r0[1, 2] * r0[2, 0]) + r0[0, 2] * (r0[1, 0] * r0[2, 1] - r0[1, 1] * r0[2, 0])
        if det < 0 { d[2, 2] = -1 }
        let r = svd.u * d * svd.vt
        let s = (svd.s[0] * d[0, 0] + svd.s[1] * d[1, 1] + svd.s[2] * d[2, 2]) / varA
        var sum = 0.0
        for (x, y) in zip(pa, pb) {
            let u = x - ca
            let ru = SIMD3(r[0, 0] * u.x + r[0, 1] * u.y + r[0, 2] * u.z, r[1, 0] * u.x + r[1, 1] * u.y + r[1, 2] * u.z,
                           r[2, 0] * u.x + r[2, 1] * u.y + r[2, 2] * u.z)
            let e = s * ru + cb - y
            sum += (e * e).sum()
        }
        return (sum / n).squareRoot()
    }
}
