import Mesh
import Testing

/// Edge adjacency from a mesh's own triangles, and from stored edge lists.
@Suite struct EdgeAdjacencyTests {
    /// A tetrahedron, counter-clockwise seen from outside.
    static let tetrahedron = TriangleMesh(
        positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)],
        triangles: [SIMD3(0, 2, 1), SIMD3(0, 1, 3), SIMD3(0, 3, 2), SIMD3(1, 2, 3)])

    @Test func tetrahedronHasSixEdgesOfTwoTrianglesEach() throws {
        let adjacency = try MeshEdgeAdjacency(mesh: Self.tetrahedron)
        #expect(adjacency.edges.count == 6)
        #expect(adjacency.edges.allSatisfy { !$0.isOnOpenBoundary })
        #expect(adjacency.openBoundaryVertices.isEmpty)
        #expect(adjacency.openBoundaryEdgeCount == 0)
        #expect(Self.tetrahedron.openBoundaryVertices().isEmpty)
        // Edge 0–1 lies between triangles 0 (0, 2, 1) and 1 (0, 1, 3); lookups work either way round.
        let edge = try #require(adjacency.edge(between: 1, and: 0))
        #expect(edge == MeshEdgeAdjacency.Edge(0, 1, firstTriangle: 1, secondTriangle: 0))
        #expect(edge.vertices == SIMD2(0, 1) && edge.firstTriangle == 0 && edge.secondTriangle == 1)
        #expect(adjacency.edgeIndex(between: 0, and: 1) == adjacency.edgeIndex(between: 1, and: 0))
        // The first edges in order of appearance: 0–2, 2–1, 1–0 of triangle 0.
        #expect(adjacency.edges.prefix(3).map(\.vertices) == [SIMD2(0, 2), SIMD2(1, 2), SIMD2(0, 1)])
        // Every edge's triangles contain both its vertices.
        for e in adjacency.edges {
            for t in [e.firstTriangle, e.secondTriangle!] {
                let tri = Self.tetrahedron.triangles[t]
                let vertices = [Int(tri.x), Int(tri.y), Int(tri.z)]
                #expect(vertices.contains(e.vertices.x) && vertices.contains(e.vertices.y))
            }
        }
    }

    @Test func openStripHasItsRimAsOpenBoundary() throws {
        let columns = 3, rows = 2
        let strip = TestMeshes.grid(columns: columns, rows: rows)
        let adjacency = try MeshEdgeAdjacency(mesh: strip)
        #expect(adjacency.edges.count == (columns + 1) * rows + columns * (rows + 1) + columns * rows)
        #expect(adjacency.openBoundaryEdgeCount == 2 * (columns + rows))
        // All vertices but the two inside ((1, 1) and (2, 1)) lie on the rim.
        let inside = [1 * (columns + 1) + 1, 1 * (columns + 1) + 2]
        let rim = (0..<strip.vertexCount).filter { !inside.contains($0) }
        #expect(adjacency.openBoundaryVertices == rim)
        #expect(strip.openBoundaryVertices() == rim)
        for e in adjacency.edges where e.isOnOpenBoundary {
            let a = strip.positions[e.vertices.x], b = strip.positions[e.vertices.y]
            let onRim = (a.x == b.x && (a.x == 0 || a.x == Float(columns))) || (a.y == b.y && (a.y == 0 || a.y == Float(rows)))
            #expect(onRim, "\(e)")
        }
    }

    @Test func nonManifoldEdgeIsRefusedAndNamed() {
        // Three triangles on the edge 0–1 (a "book" of three pages).
        let triangles: [SIMD3<UInt32>] = [SIMD3(0, 1, 2), SIMD3(1, 0, 3), SIMD3(0, 1, 4)]
        #expect(throws: MeshTopologyError.nonManifoldEdge(vertices: SIMD2(0, 1), triangles: [0, 1, 2])) {
            try MeshEdgeAdjacency(triangles: triangles, vertexCount: 5)
        }
        let description = MeshTopologyError.nonManifoldEdge(vertices: SIMD2(0, 1), triangles: [0, 1, 2]).description
        #expect(description.contains("between vertices 0 and 1") && description.contains("more than two triangles"))
        // The open boundary is still defined: the book's outer edges, not its spine.
        let book = TriangleMesh(positions: [SIMD3<Float>](repeating: .zero, count: 5), triangles: triangles)
        #expect(book.openBoundaryVertices() == [0, 1, 2, 3, 4])
    }

    @Test func badTrianglesAreRefused() {
        #expect(throws: MeshTopologyError.vertexOutOfRange(triangle: 1, vertex: 7, vertexCount: 4)) {
            try MeshEdgeAdjacency(triangles: [SIMD3(0, 1, 2), SIMD3(1, 7, 2)], vertexCount: 4)
        }
        #expect(throws: MeshTopologyError.degenerateTriangle(triangle: 0, vertices: SIMD3(2, 2, 1))) {
            try MeshEdgeAdjacency(triangles: [SIMD3(2, 2, 1)], vertexCount: 4)
        }
    }

    @Test func storedEdgeListsAreCheckedAndCompared() throws {
        let own = try MeshEdgeAdjacency(mesh: Self.tetrahedron)
        // The same edges in another order, with vertices and triangles swapped: they agree.
        let shuffled = own.edges.reversed().map { MeshEdgeAdjacency.Edge($0.vertices.y, $0.vertices.x, firstTriangle: $0.secondTriangle!, secondTriangle: $0.firstTriangle) }
        let stored = try MeshEdgeAdjacency(edges: shuffled, vertexCount: 4, triangleCount: 4)
        #expect(stored.firstDisagreement(with: own) == nil)
        #expect(own.firstDisagreement(with: stored) == nil)
        #expect(stored != own)  // equality keeps the order; agreement does not

        var wrong = shuffled
        wrong[2] = MeshEdgeAdjacency.Edge(wrong[2].vertices.x, wrong[2].vertices.y, firstTriangle: wrong[2].firstTriangle, secondTriangle: nil)
        let disagreement = try MeshEdgeAdjacency(edges: wrong, vertexCount: 4, triangleCount: 4).firstDisagreement(with: own)
        #expect(disagreement == .differentTriangles(index: 2, edge: wrong[2], reference: own.edge(between: wrong[2].vertices.x, and: wrong[2].vertices.y)!))
        #expect(try MeshEdgeAdjacency(edges: Array(shuffled.dropLast()), vertexCount: 4, triangleCount: 4).firstDisagreement(with: own)
                == .missing(referenceIndex: 0, edge: own.edges[0]))
        #expect(own.firstDisagreement(with: try MeshEdgeAdjacency(edges: Array(shuffled.dropLast()), vertexCount: 4, triangleCount: 4))
                == .notInReference(index: 0, edge: own.edges[0]))

        #expect(throws: MeshTopologyError.duplicateEdge(first: 0, second: 1, vertices: SIMD2(0, 1))) {
            try MeshEdgeAdjacency(edges: [MeshEdgeAdjacency.Edge(0, 1, firstTriangle: 0, secondTriangle: 1),
                                          MeshEdgeAdjacency.Edge(1, 0, firstTriangle: 2, secondTriangle: nil)], vertexCount: 4, triangleCount: 4)
        }
        for bad in [MeshEdgeAdjacency.Edge(0, 4, firstTriangle: 0, secondTriangle: nil), MeshEdgeAdjacency.Edge(-1, 2, firstTriangle: 0, secondTriangle: nil),
                    MeshEdgeAdjacency.Edge(1, 1, firstTriangle: 0, secondTriangle: nil), MeshEdgeAdjacency.Edge(0, 1, firstTriangle: 0, secondTriangle: 4),
                    MeshEdgeAdjacency.Edge(0, 1, firstTriangle: 2, secondTriangle: 2)] {
            #expect(throws: MeshTopologyError.self, "\(bad)") { try MeshEdgeAdjacency(edges: [bad], vertexCount: 4, triangleCount: 4) }
        }
    }
}
