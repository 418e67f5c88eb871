import Foundation

/// A behavioural description of one recording, independent of face shape: how each expression component
/// moves (mean, standard deviation and 90th percentile over the valid frames), how much the head and jaw
/// turn (standard deviation of each pose component), and how fast the head moves (mean angular speed).
///
/// Used by `ReidentificationAudit` to ask whether expression and head-motion dynamics alone link
/// recordings of the same person.
public enum DynamicsFeatures {
    /// The feature names for expression components `names`, in the order of `vector(_:)`.
    public static func names(expressionNames names: [String]) -> [String] {
        names.map { "\($0) mean" } + names.map { "\($0) sd" } + names.map { "\($0) p90" }
            + ["global x sd", "global y sd", "global z sd", "jaw x sd", "jaw y sd", "jaw z sd", "head speed"]
    }

    /// The feature vector of `file`: 3 × E expression features, 6 pose SDs, and the mean head speed (rad/s).
    /// Features that cannot be computed (no valid frames) are NaN.
    public static func vector(_ file: ParameterFile) -> [Double] {
        let t = file.frameCount
        let valid = (0..<t).filter { i in
            file.confidence[i] > 0 && file.expression[i].allSatisfy(\.isFinite) && file.pose[i].allSatisfy(\.isFinite)
        }
        let e = file.meta.expressionNames.count
        var means: [Double] = [], sds: [Double] = [], p90s: [Double] = []
        for c in 0..<e {
            let values = valid.map { Double(file.expression[$0][c]) }
            means.append(mean(values))
            sds.append(standardDeviation(values))
            p90s.append(percentile(values, 0.9))
        }
        let poseSD = (0..<6).map { c in standardDeviation(valid.map { Double(file.pose[$0][c]) }) }
        var speeds: [Double] = []
        for (a, b) in zip(valid, valid.dropFirst()) {
            let dt = file.time[b] - file.time[a]
            guard dt > 0, dt.isFinite else { continue }
            speeds.append(angleBetween(file.pose[a], file.pose[b]) / dt)
        }
        return means + sds + p90s + poseSD + [mean(speeds)]
    }

    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return x.isEmpty ? .nan : 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// The `q` quantile with linear interpolation between order statistics (NumPy's default).
    static func percentile(_ x: [Double], _ q: Double) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted()
        let position = q * Double(s.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (position - Double(lo))
    }

    /// The angle (radians) of the rotation from the global axis-angle of pose `a` to that of pose `b`.
    static func angleBetween(_ a: [Float], _ b: [Float]) -> Double {
        func quaternion(_ p: [Float]) -> SIMD4<Double> {
            let w = SIMD3<Double>(Double(p[0]), Double(p[1]), Double(p[2]))
            let theta = (w * w).sum().squareRoot()
            guard theta > 1e-12 else { return SIMD4(0, 0, 0, 1) }
            let axis = w / theta, s = sin(theta / 2)
            return SIMD4(axis.x * s, axis.y * s, axis.z * s, cos(theta / 2))
        }
        let d = min(1, abs((quaternion(a) * quaternion(b)).sum()))
        return 2 * acos(d)
    }
}
