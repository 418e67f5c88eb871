/// A directional light (like the sun): parallel rays of one colour and intensity.
public struct Light: Sendable, Equatable {
    /// The frame in which a light's direction is given.
    public enum Space: Sendable, Equatable {
        /// Camera space: x right, y up, z towards the viewer. The light moves with the camera,
        /// so every view of a face is lit alike.
        case camera
        /// The mesh's own frame (for faces: x towards the subject's left, y up, z out of the face).
        case world
    }

    /// The direction *towards* the light (from the surface), in `space`; need not be unit length.
    public var direction: SIMD3<Float>
    /// Linear RGB colour of the light.
    public var color: SIMD3<Float>
    /// Brightness multiplier for `color`.
    public var intensity: Float
    /// The frame of `direction`.
    public var space: Space

    /// Creates a directional light shining from `direction`.
    public init(direction: SIMD3<Float>, color: SIMD3<Float> = SIMD3(1, 1, 1), intensity: Float = 1, space: Space = .camera) {
        self.direction = direction
        self.color = color
        self.intensity = intensity
        self.space = space
    }

    /// A photographic three-point rig in camera space: a warm key light above and to the
    /// camera's left, a cool dimmer fill from the right, and a rim light from behind and
    /// above that outlines the silhouette.
    public static let threePointRig: [Light] = [
        Light(direction: SIMD3(-0.55, 0.45, 0.70), color: SIMD3(1.0, 0.96, 0.90), intensity: 0.95),
        Light(direction: SIMD3(0.65, 0.05, 0.75), color: SIMD3(0.88, 0.94, 1.0), intensity: 0.35),
        Light(direction: SIMD3(0.25, 0.65, -0.70), color: SIMD3(1, 1, 1), intensity: 0.45),
    ]

    /// A single white light from the camera.
    public static let headlight = Light(direction: SIMD3(0, 0, 1))
}
