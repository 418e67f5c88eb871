#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard viewpoints for face figures, named as in clinical photography.
///
/// In the head frame (x towards the subject's left, y up, z out of the face), the camera
/// starts in front of the face on +z and swings about the vertical axis towards the
/// subject's left side: 0° for `front`, 35° for `threeQuarter`, 90° for `profile` (the
/// subject's left profile).
public enum StandardView: String, CaseIterable, Sendable {
    /// Facing the subject.
    case front
    /// The camera rotated 35° about y towards the subject's left side.
    case threeQuarter = "three-quarter"
    /// The camera rotated 90° about y: the subject's left profile.
    case profile

    /// The rotation of the camera about the vertical axis, in degrees, towards the subject's left.
    public var yawDegrees: Float {
        switch self {
        case .front: 0
        case .threeQuarter: 35
        case .profile: 90
        }
    }

    /// The unit direction from the subject to the camera, in the head frame.
    public var directionToCamera: SIMD3<Float> {
        let yaw = yawDegrees * .pi / 180
        return SIMD3(sin(yaw), 0, cos(yaw))
    }
}
