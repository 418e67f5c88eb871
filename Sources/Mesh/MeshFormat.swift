import AssimpBridge

/// A 3D file format that `MeshIO` writes through assimp's exporters (and reads through its importers).
///
/// What each format keeps of a `TriangleMesh` (assimp 5.2.5, as shipped by Debian):
///
/// | format | UVs | normals | colours | parts | morph targets | what assimp does to the vertices |
/// |--------|-----|---------|---------|-------|---------------|-----------------------------------|
/// | `obj`  | yes | yes     | yes (`v x y z r g b`) | yes (`g` + `usemtl`) | no | positions are shared; `vt` and `vn` are indexed separately, so seams are not split in the file (the importer splits them, `MeshIO` re-joins) |
/// | `ply`  | yes | yes     | yes (8-bit) | no | no | one UV per vertex: vertices on UV seams are duplicated in the file |
/// | `stl`  | no  | facet normals only | no | no | no | no indexing at all: three vertices per triangle |
/// | `gltf`/`glb` | yes | yes | yes (float RGBA) | yes (meshes and nodes) | yes | one UV per vertex, one primitive per part: seam and part-border vertices are duplicated |
/// | `fbx`  | yes | yes     | yes     | yes (models) | no | per-corner attributes in the file; the importer splits seams |
///
/// `MeshIO.import` re-joins the vertices that were split only for UV seams and part borders
/// (same position, normal and colour), so a file `MeshIO` exported comes back with the
/// original vertex count in every format (for STL by position alone).
///
/// Units: coordinates are written as they are, in millimetres. FBX files say so
/// (`UnitScaleFactor` 0.1, i.e. 0.1 cm per unit); the other formats have no unit field
/// (glTF viewers assume metres: scale by 0.001 on import there). assimp's glTF writer also
/// lists `KHR_materials_volume` and `FB_ngon_encoding` in `extensionsUsed` (never in
/// `extensionsRequired`), which viewers that do not know them ignore.
public enum MeshFormat: String, CaseIterable, Sendable {
    /// Wavefront OBJ with an MTL material library beside it.
    case obj
    /// Stanford PLY (binary, or ASCII when it carries colours: see `assimpFormatID(withColors:)`).
    case ply
    /// Binary STL: triangles only.
    case stl
    /// glTF 2.0, JSON with a `.bin` buffer beside it.
    case gltf
    /// glTF 2.0 binary: one self-contained file.
    case glb
    /// Autodesk FBX (ASCII: see `assimpFormatID(withColors:)`).
    case fbx

    /// The format of files ending in `fileExtension` (with or without the dot, any case), or nil.
    public init?(fileExtension: String) {
        var ext = fileExtension.lowercased()
        if ext.hasPrefix(".") { ext.removeFirst() }
        self.init(rawValue: ext)
    }

    /// The file extension, without the dot.
    public var fileExtension: String { rawValue }

    /// The id of the assimp exporter `MeshIO` uses.
    ///
    /// Two exporters in assimp 5.2.5 write broken files, so `MeshIO` uses a sibling:
    /// - `ply`: `"plyb"` (binary) declares colours as `uchar` but writes them as floats, so
    ///   every reader (assimp's own included) misreads a binary PLY with colours. With colours
    ///   `MeshIO` writes ASCII PLY (`"ply"`); without them, binary (`"plyb"`).
    /// - `fbx`: the binary writer (`"fbx"`) leaves out the 25-byte null records that close
    ///   nested FBX nodes, and readers fail with "block offset is out of range". `MeshIO`
    ///   writes ASCII FBX 7.5 (`"fbxa"`), which assimp and Autodesk's tools read (Blender's
    ///   importer reads only binary FBX: use glTF or OBJ for Blender).
    public func assimpFormatID(withColors: Bool) -> String {
        switch self {
        case .obj: "obj"
        case .ply: withColors ? "ply" : "plyb"
        case .stl: "stlb"
        case .gltf: "gltf2"
        case .glb: "glb2"
        case .fbx: "fbxa"
        }
    }

    /// Whether this assimp build has the exporter for this format.
    public var isAvailable: Bool {
        let available = Set(MeshIO.availableExportFormats)
        return available.contains(assimpFormatID(withColors: true)) && available.contains(assimpFormatID(withColors: false))
    }

    /// Whether the format stores texture coordinates.
    public var carriesUVs: Bool { self != .stl }
    /// Whether the format stores per-vertex colours.
    public var carriesColors: Bool { self != .stl }
    /// Whether the format stores per-vertex normals (STL has one normal per facet).
    public var carriesVertexNormals: Bool { self != .stl }
    /// Whether the format keeps named parts (as named meshes, groups or nodes).
    public var carriesParts: Bool { self == .obj || self == .gltf || self == .glb || self == .fbx }
    /// Whether `MeshIO` writes morph targets in this format.
    public var carriesMorphTargets: Bool { self == .gltf || self == .glb }
    /// The files written beside the main file, as extensions (`obj` writes `.mtl`, `gltf` writes `.bin`).
    public var sidecarExtensions: [String] {
        switch self {
        case .obj: ["mtl"]
        case .gltf: ["bin"]
        default: []
        }
    }
}
