import Imaging

/// Everything about a render except the mesh and the camera.
public struct RenderSettings: Sendable {
    /// Output width in pixels.
    public var width = 512
    /// Output height in pixels.
    public var height = 512
    /// Samples per pixel along each axis: the scene is rasterized at `supersampling`× the
    /// output size and box-filtered down (1 turns anti-aliasing off).
    public var supersampling = 2
    /// Shade every sample (true supersampling) instead of once per triangle per pixel
    /// (multisampling, the default: same edges, a fraction of the shading work).
    public var shadePerSample = false
    /// Background colour, linear RGB.
    public var background = SIMD3<Float>(0.80, 0.80, 0.80)
    /// Ambient light, as a fraction of the base colour added everywhere.
    public var ambient: Float = 0.12
    /// Directional lights; a three-point rig by default.
    public var lights: [Light] = Light.threePointRig
    /// Materials by part name (`TriangleMesh.partNames`). A part takes the material of its exact
    /// name, else of its name in lower case, else of the longest key contained in its lower-cased
    /// name ("left_eye" → "eye"), else `defaultMaterial`.
    public var partMaterials: [String: Material] = RenderSettings.standardPartMaterials
    /// The material of triangles whose part has no entry in `partMaterials`, or that have no part.
    public var defaultMaterial: Material = .skin
    /// Multiply the base colour by the mesh's per-vertex colours, when it has them.
    public var useVertexColors = true
    /// A tangent-space normal map sampled through the mesh's UVs (3 or 4 channels; 0…65535 maps
    /// to −1…1; OpenGL convention: green points along increasing v).
    public var normalMap: Image16?
    /// A colour map (sRGB) sampled through the mesh's UVs; it replaces the material's base colour
    /// on triangles with UVs (per-vertex colours still multiply it).
    public var colorMap: Image?
    /// Skip triangles facing away from the camera. When false they are drawn, lit from their
    /// visible side.
    public var cullBackFaces = true

    /// Creates settings; every property has a default and can be changed afterwards.
    public init(width: Int = 512, height: Int = 512, supersampling: Int = 2) {
        self.width = width
        self.height = height
        self.supersampling = supersampling
    }

    /// The part materials used by default: skin, lips, eyes, iris, teeth, gums, tongue, hair.
    public static let standardPartMaterials: [String: Material] = [
        "skin": .skin, "face": .skin, "head": .skin,
        "lip": .lips, "lips": .lips,
        "eye": .eye, "eyes": .eye, "eyeball": .eye, "sclera": .eye,
        "iris": .iris, "pupil": .iris, "cornea": .eye,
        "teeth": .teeth, "tooth": .teeth,
        "gum": .gums, "gums": .gums,
        "tongue": .tongue,
        "hair": .hair, "brow": .hair, "eyebrow": .hair, "lash": .hair, "eyelash": .hair, "beard": .hair,
    ]

    /// The material for a part named `name`, by the rules of `partMaterials`.
    public func material(forPart name: String) -> Material {
        if let m = partMaterials[name] { return m }
        let lower = name.lowercased()
        if let m = partMaterials[lower] { return m }
        let keys = partMaterials.keys
            .filter { !$0.isEmpty && lower.contains($0.lowercased()) }
            .sorted { ($0.count, $1) > ($1.count, $0) }
        if let key = keys.first, let m = partMaterials[key] { return m }
        return defaultMaterial
    }
}
