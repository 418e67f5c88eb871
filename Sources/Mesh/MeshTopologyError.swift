/// A triangle list (or an edge list) that does not describe a mesh whose edges each border
/// one or two triangles: what edge adjacency and occluding contours need.
public enum MeshTopologyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Triangle `triangle` names `vertex`, beyond the mesh's `vertexCount` vertices.
    case vertexOutOfRange(triangle: Int, vertex: Int, vertexCount: Int)
    /// Triangle `triangle` names the same vertex twice, so it has no area and a zero-length edge.
    case degenerateTriangle(triangle: Int, vertices: SIMD3<Int>)
    /// The edge between `vertices` borders more than two triangles (the first three are named):
    /// the surface is not a manifold there, and "the two triangles of an edge" means nothing.
    case nonManifoldEdge(vertices: SIMD2<Int>, triangles: [Int])
    /// Entry `edge` of an edge list is not a valid edge of a mesh with the given sizes; `problem` says why.
    case invalidEdge(edge: Int, problem: String)
    /// Entries `first` and `second` of an edge list are the same edge (between `vertices`).
    case duplicateEdge(first: Int, second: Int, vertices: SIMD2<Int>)

    public var description: String {
        switch self {
        case let .vertexOutOfRange(t, v, n):
            "triangle \(t) names vertex \(v), beyond the mesh's \(n) vertices"
        case let .degenerateTriangle(t, v):
            "triangle \(t) names a vertex twice (\(v.x), \(v.y), \(v.z)): it has no area and a zero-length edge"
        case let .nonManifoldEdge(v, t):
            "the edge between vertices \(v.x) and \(v.y) borders more than two triangles (\(t.map(String.init).joined(separator: ", ")), …): the mesh is not a manifold there"
        case let .invalidEdge(e, problem):
            "edge \(e): \(problem)"
        case let .duplicateEdge(a, b, v):
            "edges \(a) and \(b) are both the edge between vertices \(v.x) and \(v.y)"
        }
    }
}
