/// What `MeshIO.export` writes, and how.
public struct MeshExportOptions: Sendable {
    /// The file format.
    public var format: MeshFormat
    /// The materials: none (a grey default), one for all parts, or one per part (in `partNames` order).
    public var materials: [MeshMaterial]
    /// Whether to write vertex normals (computed with `TriangleMesh.vertexNormals()` when the mesh has none).
    ///
    /// assimp's OBJ and STL writers always compute normals when none are given, so turning
    /// this off leaves normals out of PLY, glTF and FBX files only.
    public var includeNormals = true
    /// Whether to write the mesh's vertex colours (formats that carry them, when the mesh has them).
    public var includeColors = true
    /// Morph targets (blend shapes), e.g. for an expression sequence: absolute positions for every
    /// vertex of the mesh. Written as glTF primitive `targets` (with the names in the mesh's
    /// `extras.targetNames`); the other formats leave them out.
    public var morphTargets: [(name: String, positions: [SIMD3<Float>])] = []

    /// Creates options for `format`.
    public init(
        format: MeshFormat, materials: [MeshMaterial] = [], includeNormals: Bool = true, includeColors: Bool = true,
        morphTargets: [(name: String, positions: [SIMD3<Float>])] = []
    ) {
        self.format = format
        self.materials = materials
        self.includeNormals = includeNormals
        self.includeColors = includeColors
        self.morphTargets = morphTargets
    }
}
