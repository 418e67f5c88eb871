/// How a surface reflects light: a Lambert diffuse colour plus a white Blinn-Phong highlight.
///
/// Colours are linear RGB in [0, 1] (not sRGB-encoded).
public struct Material: Sendable, Equatable {
    /// Diffuse reflectance, linear RGB in [0, 1].
    public var baseColor: SIMD3<Float>
    /// Strength of the specular highlight, 0 for matte.
    public var specular: Float
    /// Blinn-Phong exponent: larger gives a smaller, sharper highlight.
    public var shininess: Float

    /// Creates a material.
    public init(baseColor: SIMD3<Float>, specular: Float = 0.1, shininess: Float = 20) {
        self.baseColor = baseColor
        self.specular = specular
        self.shininess = shininess
    }

    /// A neutral, light skin tone with a soft sheen.
    public static let skin = Material(baseColor: SIMD3(0.72, 0.48, 0.38), specular: 0.12, shininess: 18)
    /// Lips: redder and slightly glossier than skin.
    public static let lips = Material(baseColor: SIMD3(0.55, 0.22, 0.20), specular: 0.2, shininess: 30)
    /// The eyeball (sclera): near white and wet.
    public static let eye = Material(baseColor: SIMD3(0.80, 0.78, 0.74), specular: 0.6, shininess: 90)
    /// The iris: dark brown and wet.
    public static let iris = Material(baseColor: SIMD3(0.10, 0.06, 0.03), specular: 0.6, shininess: 90)
    /// Teeth: ivory with a moderate highlight.
    public static let teeth = Material(baseColor: SIMD3(0.80, 0.76, 0.62), specular: 0.35, shininess: 40)
    /// Gums: pink and moist.
    public static let gums = Material(baseColor: SIMD3(0.62, 0.24, 0.24), specular: 0.3, shininess: 40)
    /// The tongue.
    public static let tongue = Material(baseColor: SIMD3(0.58, 0.22, 0.22), specular: 0.3, shininess: 30)
    /// Hair, eyebrows and lashes: dark and matte.
    public static let hair = Material(baseColor: SIMD3(0.05, 0.035, 0.025), specular: 0.05, shininess: 10)
    /// Neutral grey clay, for judging shape without colour.
    public static let clay = Material(baseColor: SIMD3(0.55, 0.55, 0.55), specular: 0.05, shininess: 12)
}
