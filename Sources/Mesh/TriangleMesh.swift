/// A triangle mesh in millimetres: positions, triangles, and optional UVs, normals and colours.
///
/// UVs have their own index list (`uvTriangles`), as in OBJ, so that seams do not
/// split the geometric vertices: a vertex keeps one position and one identity across a seam.
public struct TriangleMesh: Sendable, Equatable {
    /// Vertex positions.
    public var positions: [SIMD3<Float>]
    /// Vertex indices of each triangle, counter-clockwise seen from outside.
    public var triangles: [SIMD3<UInt32>]
    /// Texture coordinates (u right, v up, in [0, 1]).
    public var uvs: [SIMD2<Float>]
    /// Indices into `uvs` for each triangle; empty when the mesh has no UVs, else as many as `triangles`.
    public var uvTriangles: [SIMD3<UInt32>]
    /// Per-vertex normals; empty until computed or supplied.
    public var normals: [SIMD3<Float>]
    /// Per-vertex linear RGB colours in [0, 1]; empty when the mesh has none.
    public var colors: [SIMD3<Float>]
    /// Named parts (e.g. "skin", "eyes", "teeth"): a part index per triangle, and the names.
    public var triangleParts: [UInt8]
    /// The names of the parts, indexed by `triangleParts`.
    public var partNames: [String]

    /// Creates a mesh; optional attributes default to empty.
    public init(
        positions: [SIMD3<Float>], triangles: [SIMD3<UInt32>], uvs: [SIMD2<Float>] = [],
        uvTriangles: [SIMD3<UInt32>] = [], normals: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = [],
        triangleParts: [UInt8] = [], partNames: [String] = []
    ) {
        self.positions = positions
        self.triangles = triangles
        self.uvs = uvs
        self.uvTriangles = uvTriangles
        self.normals = normals
        self.colors = colors
        self.triangleParts = triangleParts
        self.partNames = partNames
    }

    /// Number of vertices.
    public var vertexCount: Int { positions.count }
    /// Number of triangles.
    public var triangleCount: Int { triangles.count }
    /// Whether the mesh carries texture coordinates.
    public var hasUVs: Bool { !uvTriangles.isEmpty }

    /// The axis-aligned bounding box.
    public var bounds: (min: SIMD3<Float>, max: SIMD3<Float>) {
        guard var lo = positions.first else { return (.zero, .zero) }
        var hi = lo
        for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        return (lo, hi)
    }

    /// Area-weighted vertex normals (unit length; zero for isolated vertices).
    public func vertexNormals() -> [SIMD3<Float>] {
        var n = [SIMD3<Float>](repeating: .zero, count: positions.count)
        for t in triangles {
            let a = positions[Int(t.x)], b = positions[Int(t.y)], c = positions[Int(t.z)]
            let fn = simd_cross(b - a, c - a)
            n[Int(t.x)] += fn; n[Int(t.y)] += fn; n[Int(t.z)] += fn
        }
        return n.map { v in
            let l = (v * v).sum().squareRoot()
            return l > 0 ? v / l : .zero
        }
    }

    /// A copy with `vertexNormals()` filled in.
    public func withNormals() -> TriangleMesh {
        var m = self
        m.normals = vertexNormals()
        return m
    }
}

/// The cross product of two 3-vectors.
@inlinable
public func simd_cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// The dot product of two 3-vectors.
@inlinable
public func simd_dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

/// The Euclidean length of a 3-vector.
@inlinable
public func simd_length(_ a: SIMD3<Float>) -> Float { (a * a).sum().squareRoot() }

/// `a` scaled to unit length (zero stays zero).
@inlinable
public func simd_normalize(_ a: SIMD3<Float>) -> SIMD3<Float> {
    let l = simd_length(a)
    return l > 0 ? a / l : a
}
