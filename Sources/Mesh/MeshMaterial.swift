/// A surface material for export: a diffuse colour and optional texture maps.
///
/// Map names are file names relative to the exported file (e.g. `"face_albedo.png"`); `MeshIO`
/// writes the references, not the images. How each format refers to them:
/// - OBJ (`.mtl`): `map_Kd` for `diffuseMap`; `bump` and `map_Bump` for `bumpMap`, else for
///   `normalMap` (Blender reads these as its normal map); `norm` for `normalMap` (the MTL PBR
///   extension, read by tinyobjloader and three.js); `disp` for `displacementMap`.
/// - glTF: `baseColorTexture` and `normalTexture`; glTF has no bump or displacement map.
/// - FBX: the material's diffuse, normal, bump and displacement channels.
public struct MeshMaterial: Sendable, Equatable {
    /// The material's name (`newmtl` in OBJ, `materials[].name` in glTF).
    public var name: String
    /// The diffuse (base) colour, linear RGB in [0, 1].
    public var diffuseColor: SIMD3<Float>
    /// The albedo texture's file name, relative to the exported file.
    public var diffuseMap: String?
    /// The tangent-space normal map's file name.
    public var normalMap: String?
    /// The bump (height) map's file name.
    public var bumpMap: String?
    /// The displacement map's file name.
    public var displacementMap: String?

    /// Creates a material; maps default to none and the colour to a light grey.
    public init(
        name: String, diffuseColor: SIMD3<Float> = SIMD3(0.8, 0.8, 0.8), diffuseMap: String? = nil,
        normalMap: String? = nil, bumpMap: String? = nil, displacementMap: String? = nil
    ) {
        self.name = name
        self.diffuseColor = diffuseColor
        self.diffuseMap = diffuseMap
        self.normalMap = normalMap
        self.bumpMap = bumpMap
        self.displacementMap = displacementMap
    }
}
