/// The open boundary of a mesh: where its surface is cut off rather than closed.
extension TriangleMesh {
    /// The vertices of the edges that border exactly one triangle, ascending and unique.
    ///
    /// On a face model these are the cut edges of the mask (forehead, ears, neck) and the rims of
    /// holes such as open eyes or mouth: an outline of the mesh in an image there is not a
    /// silhouette of the face. Unlike `MeshEdgeAdjacency`, this never fails: edges shared by
    /// three or more triangles and the zero-length edges of degenerate triangles are not boundary;
    /// vertex indices are not checked.
    public func openBoundaryVertices() -> [Int] {
        var count: [SIMD2<UInt32>: Int] = [:]
        count.reserveCapacity(triangles.count * 3 / 2 + 1)
        for t in triangles {
            for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] where a != b {
                count[SIMD2(min(a, b), max(a, b)), default: 0] += 1
            }
        }
        var vertices = Set<Int>()
        for (edge, n) in count where n == 1 {
            vertices.insert(Int(edge.x))
            vertices.insert(Int(edge.y))
        }
        return vertices.sorted()
    }
}
