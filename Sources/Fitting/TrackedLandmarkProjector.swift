import Foundation

/// Projects a model face to the 68 landmarks a 2D tracker reports, through a scaled orthographic camera
/// (image pixels, x right, y down): the landmarks of an identity, expression and jaw opening, rotated, scaled
/// (pixels per mm) and shifted, with each jawline landmark on the silhouette — the outermost projected point of
/// its contour band along the direction from the nose bridge (iBUG 29). Landmarks the model lacks are NaN.
///
/// For synthetic data with a known truth. The rows are flattened once (as for the fitter), so a projection
/// touches only the expression components that move each point.
public struct TrackedLandmarkProjector: Sendable {
    private let table: PointTable

    /// A projector for `rows` (for one participant, rows with the identity folded in: `LandmarkRows.withIdentity`).
    public init(rows: LandmarkRows) {
        table = PointTable(rows)
    }

    /// The tracked landmarks of the face with identity `beta` (SD units; empty when the rows hold the identity),
    /// expression `psi` and jaw opening `theta` (radians), seen with `rotation`, `scale` and `translation`.
    public func landmarks(identity beta: [Double], expression psi: [Double], jaw theta: Double, rotation: Rotation3,
                          scale: Double, translation: SIMD2<Double>) -> [SIMD2<Double>] {
        let c = cos(theta), s = sin(theta)
        func project(_ p: Int) -> SIMD2<Double> {
            let y = rotation.apply(table.position(p, identity: beta, expression: psi, jawCos: c, jawSin: s))
            return SIMD2(scale * y.x + translation.x, -scale * y.y + translation.y)
        }
        var points = table.landmark.map { $0 >= 0 ? project($0) : SIMD2<Double>(repeating: .nan) }
        guard points.count > 29, !points[29].x.isNaN else { return points }
        let bridge = points[29]
        for i in 0..<min(17, table.contour.count) where !table.contour[i].isEmpty && !points[i].x.isNaN {
            var outward = points[i] - bridge
            outward /= max((outward * outward).sum().squareRoot(), 1e-9)
            var best = points[i], bestReach = -Double.infinity
            for candidate in table.contour[i] {
                let q = project(candidate)
                let reach = ((q - bridge) * outward).sum()
                if reach > bestReach { bestReach = reach; best = q }
            }
            points[i] = best
        }
        return points
    }
}
