/// The normalized mean error of fitted landmarks against the input landmarks of one frame.
public enum LandmarkNME {
    /// The mean point-to-point distance between `fitted` and `input` (68 points each, pixels), over
    /// the points present in both (finite) and with positive weight, divided by the distance between
    /// the input's outer eye corners (iBUG 36 and 45); NaN when the eye corners or every point is missing.
    public static func of(fitted: [SIMD2<Double>], input: [SIMD2<Double>], weights: [Double]? = nil) -> Double {
        guard fitted.count == input.count, input.count > 45 else { return .nan }
        let eye = input[36] - input[45]
        let eyeDistance = (eye * eye).sum().squareRoot()
        guard eyeDistance.isFinite, eyeDistance > 0 else { return .nan }
        var total = 0.0, count = 0
        for i in input.indices {
            let d = fitted[i] - input[i]
            let distance = (d * d).sum().squareRoot()
            guard distance.isFinite, (weights?[i] ?? 1) > 0 else { continue }
            total += distance
            count += 1
        }
        return count > 0 ? total / Double(count) / eyeDistance : .nan
    }
}
