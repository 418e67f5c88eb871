/// The edges of a triangle mesh, each with the one or two triangles on its sides.
///
/// Built from a mesh's own triangles (`init(triangles:vertexCount:)`), or from a stored edge
/// list such as eos's edge topology file (`init(edges:vertexCount:triangleCount:)`), so that the
/// two can be compared (`firstDisagreement(with:)`). Every edge borders one triangle (it lies on
/// the mesh's open boundary, where the surface is cut off) or two; an edge shared by three or
/// more triangles is refused. Indices are 0-based.
///
/// The adjacency is what occluding contours need (`occludingContour(positions:triangles:towardsViewer:)`):
/// edges whose two triangles face opposite ways relative to the viewer.
public struct MeshEdgeAdjacency: Sendable, Equatable {
    /// An undirected edge and the triangles on its sides.
    public struct Edge: Sendable, Hashable, CustomStringConvertible {
        /// The edge's two vertices, the smaller index first.
        public let vertices: SIMD2<Int>
        /// The triangle on one side; the smaller index when there are two.
        public let firstTriangle: Int
        /// The triangle on the other side, or `nil` for an edge on the open boundary.
        public let secondTriangle: Int?

        /// The edge between vertices `a` and `b` (in either order), bordering `firstTriangle` and,
        /// unless it lies on the open boundary, `secondTriangle` (in either order).
        public init(_ a: Int, _ b: Int, firstTriangle: Int, secondTriangle: Int?) {
            vertices = SIMD2(min(a, b), max(a, b))
            if let secondTriangle {
                self.firstTriangle = min(firstTriangle, secondTriangle)
                self.secondTriangle = max(firstTriangle, secondTriangle)
            } else {
                self.firstTriangle = firstTriangle
                self.secondTriangle = nil
            }
        }

        /// Whether only one triangle borders the edge: it lies where the mesh is cut off.
        public var isOnOpenBoundary: Bool { secondTriangle == nil }

        public var description: String {
            let sides = secondTriangle.map { "triangles \(firstTriangle) and \($0)" } ?? "triangle \(firstTriangle) only (open boundary)"
            return "edge \(vertices.x)–\(vertices.y) bordering \(sides)"
        }
    }

    /// The number of vertices of the mesh.
    public let vertexCount: Int
    /// The number of triangles of the mesh.
    public let triangleCount: Int
    /// Every edge once: in order of first appearance in the triangle list when built from
    /// triangles, else in the order given.
    public let edges: [Edge]
    /// The vertices of the edges on the open boundary (edges with one triangle), ascending.
    public let openBoundaryVertices: [Int]
    private let edgeIndexByVertices: [SIMD2<Int>: Int]

    /// The adjacency of the triangles `triangles` over `vertexCount` vertices.
    ///
    /// - Throws: `MeshTopologyError` for a vertex index out of range, a triangle that names a
    ///   vertex twice, or an edge bordering more than two triangles.
    public init(triangles: [SIMD3<UInt32>], vertexCount: Int) throws(MeshTopologyError) {
        var slot: [SIMD2<Int>: Int] = [:]
        slot.reserveCapacity(triangles.count * 3 / 2 + 1)
        var ends: [SIMD2<Int>] = []
        var first: [Int] = []
        var second: [Int] = []
        ends.reserveCapacity(triangles.count * 3 / 2 + 1)
        for (t, triangle) in triangles.enumerated() {
            let v = SIMD3(Int(triangle.x), Int(triangle.y), Int(triangle.z))
            for k in 0..<3 where v[k] >= vertexCount {
                throw .vertexOutOfRange(triangle: t, vertex: v[k], vertexCount: vertexCount)
            }
            guard v.x != v.y, v.y != v.z, v.z != v.x else { throw .degenerateTriangle(triangle: t, vertices: v) }
            for (a, b) in [(v.x, v.y), (v.y, v.z), (v.z, v.x)] {
                let key = SIMD2(min(a, b), max(a, b))
                if let i = slot[key] {
                    guard second[i] < 0 else { throw .nonManifoldEdge(vertices: key, triangles: [first[i], second[i], t]) }
                    second[i] = t
                } else {
                    slot[key] = ends.count
                    ends.append(key)
                    first.append(t)
                    second.append(-1)
                }
            }
        }
        self.vertexCount = vertexCount
        triangleCount = triangles.count
        edges = ends.indices.map { Edge(ends[$0].x, ends[$0].y, firstTriangle: first[$0], secondTriangle: second[$0] < 0 ? nil : second[$0]) }
        edgeIndexByVertices = slot
        openBoundaryVertices = Self.boundaryVertices(of: edges)
    }

    /// The adjacency of `mesh`'s triangles.
    ///
    /// - Throws: `MeshTopologyError`, as `init(triangles:vertexCount:)`.
    public init(mesh: TriangleMesh) throws(MeshTopologyError) {
        try self.init(triangles: mesh.triangles, vertexCount: mesh.vertexCount)
    }

    /// An adjacency from a stored edge list (e.g. read from a file), for a mesh of `vertexCount`
    /// vertices and `triangleCount` triangles. The edges are kept in the order given.
    ///
    /// - Throws: `MeshTopologyError.invalidEdge` for an index out of range, an edge from a vertex
    ///   to itself or an edge naming the same triangle twice; `.duplicateEdge` for an edge listed twice.
    public init(edges: [Edge], vertexCount: Int, triangleCount: Int) throws(MeshTopologyError) {
        var slot: [SIMD2<Int>: Int] = [:]
        slot.reserveCapacity(edges.count)
        for (i, e) in edges.enumerated() {
            guard e.vertices.x >= 0, e.vertices.y < vertexCount else {
                throw .invalidEdge(edge: i, problem: "it names vertex \(e.vertices.x < 0 ? e.vertices.x : e.vertices.y), outside the mesh's \(vertexCount) vertices")
            }
            guard e.vertices.x != e.vertices.y else {
                throw .invalidEdge(edge: i, problem: "it joins vertex \(e.vertices.x) to itself")
            }
            for t in [e.firstTriangle, e.secondTriangle].compactMap({ $0 }) where !(0..<triangleCount).contains(t) {
                throw .invalidEdge(edge: i, problem: "it names triangle \(t), outside the mesh's \(triangleCount) triangles")
            }
            guard e.firstTriangle != e.secondTriangle else {
                throw .invalidEdge(edge: i, problem: "it names triangle \(e.firstTriangle) on both sides")
            }
            if let j = slot[e.vertices] { throw .duplicateEdge(first: j, second: i, vertices: e.vertices) }
            slot[e.vertices] = i
        }
        self.vertexCount = vertexCount
        self.triangleCount = triangleCount
        self.edges = edges
        edgeIndexByVertices = slot
        openBoundaryVertices = Self.boundaryVertices(of: edges)
    }

    /// The index in `edges` of the edge between vertices `a` and `b` (in either order), if there is one.
    public func edgeIndex(between a: Int, and b: Int) -> Int? {
        edgeIndexByVertices[SIMD2(min(a, b), max(a, b))]
    }

    /// The edge between vertices `a` and `b` (in either order), if there is one.
    public func edge(between a: Int, and b: Int) -> Edge? {
        edgeIndex(between: a, and: b).map { edges[$0] }
    }

    /// The number of edges on the open boundary (bordering one triangle).
    public var openBoundaryEdgeCount: Int { edges.reduce(0) { $0 + ($1.isOnOpenBoundary ? 1 : 0) } }

    public static func == (a: MeshEdgeAdjacency, b: MeshEdgeAdjacency) -> Bool {
        a.vertexCount == b.vertexCount && a.triangleCount == b.triangleCount && a.edges == b.edges
    }

    /// The vertices of the open-boundary edges among `edges`, ascending and unique.
    static func boundaryVertices(of edges: [Edge]) -> [Int] {
        var vertices = Set<Int>()
        for e in edges where e.isOnOpenBoundary {
            vertices.insert(e.vertices.x)
            vertices.insert(e.vertices.y)
        }
        return vertices.sorted()
    }
}
