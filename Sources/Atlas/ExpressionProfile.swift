import Foundation
import ParameterFiles

/// A group's expression over time for one stimulus: the weighted mean and spread of every
/// action-unit intensity and jaw component on a common time grid aligned to stimulus onset.
///
/// Each recording is sampled on the grid `τ_i = i · step` (seconds after the stimulus onset the
/// manifest gives, 0 by default) by linear interpolation between its two neighbouring valid frames
/// (the nearest valid frame within one step when a neighbour is invalid; nothing when both are
/// invalid or τ lies outside the recording). A sample's weight is the participant's weight times the
/// interpolated frame weight (`FitQuality.frameWeight`). `coverage` is the share of the group's total
/// participant weight present at each grid time.
public struct ExpressionProfile: Sendable, Equatable {
    /// Grid times after onset (s).
    public var time: [Double]
    /// T × D weighted means (expression components, then 3 jaw components).
    public var mean: [[Double]]
    /// T × D weighted standard deviations.
    public var standardDeviation: [[Double]]
    /// Share of the group's weight sampled at each time (0…1).
    public var coverage: [Double]
    /// Weighted mean normalised residual of the samples at each time.
    public var residualNME: [Double]

    /// One participant's recording for the profile.
    public struct Sample: Sendable {
        public var file: ParameterFile
        public var onset: Double
        public var weight: Double
        public init(file: ParameterFile, onset: Double, weight: Double) {
            self.file = file
            self.onset = onset
            self.weight = weight
        }
    }

    /// Builds the profile of `samples` on a grid of `step` seconds up to the longest recording.
    public init(samples: [Sample], step: Double) {
        let d = (samples.first?.file.meta.expressionNames.count ?? 0) + 3
        let duration = samples.map { s in (s.file.time.last ?? 0) - (s.file.time.first ?? 0) - s.onset }.max() ?? 0
        let count = max(1, Int((max(duration, 0) / step + 1e-6).rounded(.down)) + 1)
        time = (0..<count).map { Double($0) * step }
        var sumW = [Double](repeating: 0, count: count)
        var sum = [[Double]](repeating: [Double](repeating: 0, count: d), count: count)
        var sumSq = sum
        var sumW2 = sumW
        var nme = sumW
        var x = [Double](repeating: 0, count: d)
        for sample in samples where sample.weight > 0 {
            let file = sample.file
            let t0 = (file.time.first ?? 0) + sample.onset
            var cursor = 0
            for i in 0..<count {
                let tau = t0 + time[i]
                while cursor + 1 < file.frameCount && file.time[cursor + 1] <= tau { cursor += 1 }
                guard let (w, r) = ExpressionProfile.interpolate(file, at: tau, below: cursor, step: step, into: &x) else { continue }
                let weight = sample.weight * w
                sumW[i] += weight
                sumW2[i] += weight * weight
                nme[i] += weight * r
                for k in 0..<d {
                    sum[i][k] += weight * x[k]
                    sumSq[i][k] += weight * x[k] * x[k]
                }
            }
        }
        let total = samples.reduce(0) { $0 + max($1.weight, 0) }
        mean = sum
        standardDeviation = sum
        coverage = sumW
        residualNME = nme
        for i in 0..<count {
            let w = sumW[i]
            coverage[i] = 0
            guard w > 0 else {
                mean[i] = [Double](repeating: 0, count: d)
                standardDeviation[i] = mean[i]
                residualNME[i] = 0
                continue
            }
            // Reliability-weighted (unbiased) variance: Σw(x−μ)² / (V₁ − V₂/V₁).
            let denominator = w - sumW2[i] / w
            for k in 0..<d {
                let m = sum[i][k] / w
                mean[i][k] = m
                let variance = denominator > 0 ? max(sumSq[i][k] - w * m * m, 0) / denominator : 0
                standardDeviation[i][k] = variance.squareRoot()
            }
            residualNME[i] /= w
        }
        // Coverage counts participant weight, not frame quality: a second pass over presence.
        for sample in samples where sample.weight > 0 && total > 0 {
            let file = sample.file
            let t0 = (file.time.first ?? 0) + sample.onset
            for i in 0..<count where t0 + time[i] >= (file.time.first ?? 0) - 1e-9 && t0 + time[i] <= (file.time.last ?? 0) + 1e-9 {
                coverage[i] += sample.weight / total
            }
        }
    }

    /// The coefficients of `file` at time `tau` (between frames `below` and `below + 1`) into `x`,
    /// with the interpolated frame weight and residual; nil when no valid frame is near.
    static func interpolate(_ file: ParameterFile, at tau: Double, below i: Int, step: Double, into x: inout [Double]) -> (Double, Double)? {
        let n = file.frameCount
        guard n > 0, tau >= file.time[0] - 1e-9, tau <= file.time[n - 1] + 1e-9 else { return nil }
        let e = file.meta.expressionNames.count
        func weight(_ t: Int) -> Double { FitQuality.frameWeight(confidence: file.confidence[t], nme: file.residualNME[t]) }
        func load(_ t: Int, _ a: Double, accumulate: Bool) {
            for k in 0..<e { x[k] = (accumulate ? x[k] : 0) + a * Double(file.expression[t][k]) }
            for c in 0..<3 { x[e + c] = (accumulate ? x[e + c] : 0) + a * Double(file.pose[t][3 + c]) }
        }
        let j = min(i + 1, n - 1)
        let wi = weight(i), wj = weight(j)
        let span = file.time[j] - file.time[i]
        if wi > 0 && wj > 0 && span > 0 {
            let a = min(max((tau - file.time[i]) / span, 0), 1)
            load(i, 1 - a, accumulate: false)
            load(j, a, accumulate: true)
            return ((1 - a) * wi + a * wj, (1 - a) * Double(file.residualNME[i]) + a * Double(file.residualNME[j]))
        }
        // One side invalid (or a single frame): the nearest valid frame within one step.
        let candidates = [i, j].filter { weight($0) > 0 && abs(file.time[$0] - tau) <= step + 1e-9 }
        guard let t = candidates.min(by: { abs(file.time[$0] - tau) < abs(file.time[$1] - tau) }) else { return nil }
        load(t, 1, accumulate: false)
        return (weight(t), Double(file.residualNME[t]))
    }
}
