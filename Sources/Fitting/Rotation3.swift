import Foundation

/// A 3×3 rotation matrix in double precision, with the exponential and logarithm maps the
/// fitter uses for local pose updates (R ← exp([ω]ₓ)·R).
public struct Rotation3: Sendable, Equatable {
    /// Rows of the matrix.
    public var r0, r1, r2: SIMD3<Double>

    /// The identity.
    public static let identity = Rotation3(r0: SIMD3(1, 0, 0), r1: SIMD3(0, 1, 0), r2: SIMD3(0, 0, 1))

    /// A matrix from its rows.
    public init(r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    /// exp([ω]ₓ): the rotation by |ω| radians about ω.
    public init(axisAngle w: SIMD3<Double>) {
        let theta = (w * w).sum().squareRoot()
        guard theta > 1e-12 else {
            self.init(r0: SIMD3(1, -w.z, w.y), r1: SIMD3(w.z, 1, -w.x), r2: SIMD3(-w.y, w.x, 1))
            return
        }
        let k = w / theta
        let c = cos(theta), s = sin(theta), t = 1 - c
        self.init(
            r0: SIMD3(t * k.x * k.x + c, t * k.x * k.y - s * k.z, t * k.x * k.z + s * k.y),
            r1: SIMD3(t * k.x * k.y + s * k.z, t * k.y * k.y + c, t * k.y * k.z - s * k.x),
            r2: SIMD3(t * k.x * k.z - s * k.y, t * k.y * k.z + s * k.x, t * k.z * k.z + c))
    }

    /// The axis-angle vector of this rotation (log map).
    public var axisAngle: SIMD3<Double> {
        let trace = r0.x + r1.y + r2.z
        let cosTheta = max(-1, min(1, (trace - 1) / 2))
        let theta = acos(cosTheta)
        let v = SIMD3(r2.y - r1.z, r0.z - r2.x, r1.x - r0.y)
        if theta < 1e-9 { return v / 2 }
        if Double.pi - theta < 1e-6 {
            // Near π: the axis from the largest diagonal entry of (R + I)/2.
            let d = SIMD3(r0.x, r1.y, r2.z)
            var axis: SIMD3<Double>
            if d.x >= d.y && d.x >= d.z { axis = SIMD3(d.x + 1, r0.y, r0.z) }
            else if d.y >= d.z { axis = SIMD3(r1.x, d.y + 1, r1.z) }
            else { axis = SIMD3(r2.x, r2.y, d.z + 1) }
            return axis / (axis * axis).sum().squareRoot() * theta
        }
        return v * (theta / (2 * sin(theta)))
    }

    /// R·v.
    @inlinable
    public func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum())
    }

    /// Rᵀ·v.
    @inlinable
    public func applyTransposed(_ v: SIMD3<Double>) -> SIMD3<Double> {
        r0 * v.x + r1 * v.y + r2 * v.z
    }

    /// The transpose (inverse).
    public var transposed: Rotation3 {
        Rotation3(r0: SIMD3(r0.x, r1.x, r2.x), r1: SIMD3(r0.y, r1.y, r2.y), r2: SIMD3(r0.z, r1.z, r2.z))
    }

    /// The product a·b.
    public static func * (a: Rotation3, b: Rotation3) -> Rotation3 {
        let t = b.transposed
        return Rotation3(r0: SIMD3((a.r0 * t.r0).sum(), (a.r0 * t.r1).sum(), (a.r0 * t.r2).sum()),
                         r1: SIMD3((a.r1 * t.r0).sum(), (a.r1 * t.r1).sum(), (a.r1 * t.r2).sum()),
                         r2: SIMD3((a.r2 * t.r0).sum(), (a.r2 * t.r1).sum(), (a.r2 * t.r2).sum()))
    }

    /// The nearest rotation to the rows given (polar decomposition through Gram–Schmidt with re-symmetrisation).
    public static func orthonormalized(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Rotation3 {
        let na = a / max((a * a).sum().squareRoot(), 1e-12)
        var nb = b - (na * b).sum() * na
        nb /= max((nb * nb).sum().squareRoot(), 1e-12)
        let nc = SIMD3(na.y * nb.z - na.z * nb.y, na.z * nb.x - na.x * nb.z, na.x * nb.y - na.y * nb.x)
        return Rotation3(r0: na, r1: nb, r2: nc)
    }

    /// Yaw (about y), pitch (about x) and roll (about z) in degrees, for reports.
    public var yawPitchRollDegrees: SIMD3<Double> {
        let yaw = atan2(r0.z, r2.z)
        let pitch = asin(max(-1, min(1, -r1.z)))
        let roll = atan2(r1.x, r1.y)
        return SIMD3(yaw, pitch, roll) * 180 / .pi
    }
}

/// [a]ₓ·b = a × b.
@inlinable
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
