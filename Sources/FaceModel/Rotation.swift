/// A 3×3 rotation, built from an axis-angle vector (Rodrigues' formula), as used for
/// head pose and the jaw (FLAME/DECA convention: the vector's direction is the axis and
/// its length the angle in radians).
public struct Rotation: Sendable, Equatable {
    /// Rows of the matrix.
    public var rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)

    /// The rotation by `axisAngle`.
    public init(axisAngle w: SIMD3<Float>) {
        let theta = (w * w).sum().squareRoot()
        if theta < 1e-8 {
            rows = (SIMD3(1, -w.z, w.y), SIMD3(w.z, 1, -w.x), SIMD3(-w.y, w.x, 1))
            return
        }
        let k = w / theta
        let c = cos(theta), s = sin(theta), t = 1 - c
        rows = (
            SIMD3(t * k.x * k.x + c, t * k.x * k.y - s * k.z, t * k.x * k.z + s * k.y),
            SIMD3(t * k.x * k.y + s * k.z, t * k.y * k.y + c, t * k.y * k.z - s * k.x),
            SIMD3(t * k.x * k.z - s * k.y, t * k.y * k.z + s * k.x, t * k.z * k.z + c)
        )
    }

    /// The rotation from yaw (about y), pitch (about x) and roll (about z) in degrees, applied roll, then pitch, then yaw.
    public init(yawDegrees: Float, pitchDegrees: Float = 0, rollDegrees: Float = 0) {
        let r = Float.pi / 180
        let yaw = Rotation(axisAngle: SIMD3(0, yawDegrees * r, 0))
        let pitch = Rotation(axisAngle: SIMD3(pitchDegrees * r, 0, 0))
        let roll = Rotation(axisAngle: SIMD3(0, 0, rollDegrees * r))
        self = yaw * pitch * roll
    }

    /// Rotates `v`.
    @inlinable
    public func apply(_ v: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((rows.0 * v).sum(), (rows.1 * v).sum(), (rows.2 * v).sum())
    }

    /// The composition `a · b` (apply `b` first).
    public static func * (a: Rotation, b: Rotation) -> Rotation {
        let c0 = SIMD3(b.rows.0.x, b.rows.1.x, b.rows.2.x)
        let c1 = SIMD3(b.rows.0.y, b.rows.1.y, b.rows.2.y)
        let c2 = SIMD3(b.rows.0.z, b.rows.1.z, b.rows.2.z)
        func row(_ r: SIMD3<Float>) -> SIMD3<Float> { SIMD3((r * c0).sum(), (r * c1).sum(), (r * c2).sum()) }
        var out = Rotation(axisAngle: .zero)
        out.rows = (row(a.rows.0), row(a.rows.1), row(a.rows.2))
        return out
    }

    public static func == (a: Rotation, b: Rotation) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
