extension LandmarkRows {
    /// The 68 landmarks a 2D tracker reports for a face seen through a scaled orthographic camera
    /// (image pixels, x right, y down): the model landmarks of identity `beta`, expression `psi` and jaw
    /// opening `theta`, rotated by `rotation`, scaled by `scale` (pixels per mm) and shifted by `translation`,
    /// with each jawline landmark on the silhouette (the outermost projected point of its contour band along
    /// the direction from the nose bridge, iBUG 29). Landmarks the model lacks are NaN.
    public func trackedLandmarks(identity beta: [Double], expression psi: [Double], jaw theta: Double, rotation: Rotation3,
                                 scale: Double, translation: SIMD2<Double>) -> [SIMD2<Double>] {
        // Only the active expression components move a point (most are zero in a frame).
        let active = psi.indices.filter { psi[$0] != 0 }
        func project(_ p: Point) -> SIMD2<Double> {
            var x = p.mean
            for c in 0..<min(beta.count, p.identity.count) { x += beta[c] * p.identity[c] }
            for c in active where c < p.expression.count { x += psi[c] * p.expression[c] }
            let moved = Point(mean: x, identity: [], expression: [], jawWeight: p.jawWeight)
            let y = rotation.apply(position(moved, identity: [], expression: [], jaw: theta))
            return SIMD2(scale * y.x + translation.x, -scale * y.y + translation.y)
        }
        var points = (0..<68).map { defined[$0] ? project(landmarks[$0]) : SIMD2<Double>(repeating: .nan) }
        let bridge = points[29]
        guard !bridge.x.isNaN else { return points }
        for i in 0..<min(17, contour.count) where !contour[i].isEmpty && !points[i].x.isNaN {
            var outward = points[i] - bridge
            outward /= max((outward * outward).sum().squareRoot(), 1e-9)
            var best = points[i], bestReach = -Double.infinity
            for candidate in contour[i] {
                let q = project(candidate)
                let reach = ((q - bridge) * outward).sum()
                if reach > bestReach { bestReach = reach; best = q }
            }
            points[i] = best
        }
        return points
    }
}
