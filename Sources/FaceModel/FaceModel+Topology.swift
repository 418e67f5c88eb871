import Mesh

/// The edge topology of a model's mesh, for occluding contours: where a face instance's outline
/// is a real silhouette, and where it is only the mesh's cut boundary.
extension FaceModel {
    /// The edge adjacency of the model's mesh (every identity and expression shares it).
    ///
    /// - Throws: `MeshTopologyError` if an edge of the mesh borders more than two triangles
    ///   (or a triangle is degenerate), where occluding edges are not defined.
    public func edgeAdjacency() throws(MeshTopologyError) -> MeshEdgeAdjacency {
        try MeshEdgeAdjacency(mesh: mesh)
    }

    /// The vertices on the mesh's open boundary (edges of one triangle), ascending: on the Surrey
    /// Face Model the forehead, ear and neck cut, which bounds the mesh in an image without being
    /// a silhouette of the face. See `TriangleMesh.openBoundaryVertices()`.
    public func openBoundaryVertices() -> [Int] {
        mesh.openBoundaryVertices()
    }

    /// The occluding contour of the face instance `vertices` (e.g. `vertices(parameters)`) under
    /// the head rotation `rotation`, for a camera looking down its −z axis at the rotated face
    /// (FaceAtlas's and eos's convention): the viewer lies along Rᵀ·(0, 0, 1) in the model frame.
    ///
    /// - Parameter adjacency: the model's `edgeAdjacency()`, computed once for all instances.
    /// - Precondition: `vertices.count == vertexCount` and `adjacency` is of this model's mesh.
    public func occludingContour(of vertices: [SIMD3<Float>], rotation: Rotation, adjacency: MeshEdgeAdjacency) -> OccludingContour {
        adjacency.occludingContour(positions: vertices, triangles: mesh.triangles, towardsViewer: rotation.rows.2)
    }
}
