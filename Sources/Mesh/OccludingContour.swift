/// Where a mesh's outline lies for a viewer far away in a given direction (orthographic view).
///
/// Two kinds of outline, kept apart because a fitter treats them differently:
///
/// - the **silhouette**: edges whose two triangles face opposite ways relative to the viewer,
///   where the surface turns away (a cheek seen from the side): a real occluding contour;
/// - the **front-facing open boundary**: edges with one triangle, facing the viewer, where the
///   mesh is merely cut off (the forehead, ear and neck cut of the Surrey Face Model): it looks
///   like an outline in the image but is not one on the face.
///
/// Vertex lists are ascending and unique; edge lists index `MeshEdgeAdjacency.edges`, in order.
/// No test for self-occlusion is made (a silhouette vertex may be hidden behind the nose).
public struct OccludingContour: Sendable, Equatable {
    /// The edges between a triangle facing the viewer and one facing away.
    public var silhouetteEdges: [Int]
    /// The vertices of `silhouetteEdges`.
    public var silhouetteVertices: [Int]
    /// The open-boundary edges whose one triangle faces the viewer.
    public var frontFacingBoundaryEdges: [Int]
    /// The vertices of `frontFacingBoundaryEdges`.
    public var frontFacingBoundaryVertices: [Int]

    /// A contour from its edge lists, with the vertex lists filled in from `adjacency`.
    public init(silhouetteEdges: [Int], frontFacingBoundaryEdges: [Int], adjacency: MeshEdgeAdjacency) {
        func vertices(_ list: [Int]) -> [Int] {
            var set = Set<Int>()
            for i in list { set.insert(adjacency.edges[i].vertices.x); set.insert(adjacency.edges[i].vertices.y) }
            return set.sorted()
        }
        self.silhouetteEdges = silhouetteEdges
        self.frontFacingBoundaryEdges = frontFacingBoundaryEdges
        silhouetteVertices = vertices(silhouetteEdges)
        frontFacingBoundaryVertices = vertices(frontFacingBoundaryEdges)
    }
}

extension MeshEdgeAdjacency {
    /// The occluding contour of the mesh with vertex positions `positions` and triangles
    /// `triangles` (the ones this adjacency was built from or checked against), seen from the
    /// direction `towardsViewer`, in the mesh's frame.
    ///
    /// A triangle faces the viewer when its normal, `(b − a) × (c − a)` for its vertices a, b, c
    /// (counter-clockwise seen from outside), points towards `towardsViewer`. An edge is on the
    /// silhouette when its two triangles' normals differ in the sign of their dot product with
    /// `towardsViewer` (positive, zero or negative), as eos's `occluding_boundary_vertices`
    /// compares the signs of the rotated normals' z. For a camera that applies rotation R to the
    /// model and looks down its −z axis (eos's and FaceAtlas's), `towardsViewer` is Rᵀ·(0, 0, 1),
    /// R's third row.
    ///
    /// - Parameters:
    ///   - positions: one position per vertex, e.g. a fitted face instance.
    ///   - triangles: the mesh's triangles, as many as `triangleCount`.
    ///   - towardsViewer: a direction from the mesh to the viewer (need not be unit length).
    /// - Precondition: `positions.count == vertexCount` and `triangles.count == triangleCount`.
    public func occludingContour(positions: [SIMD3<Float>], triangles: [SIMD3<UInt32>], towardsViewer: SIMD3<Float>) -> OccludingContour {
        precondition(positions.count == vertexCount, "\(positions.count) positions for an adjacency of \(vertexCount) vertices")
        precondition(triangles.count == triangleCount, "\(triangles.count) triangles for an adjacency of \(triangleCount) triangles")
        let facing: [Int8] = triangles.map { t in
            let a = positions[Int(t.x)], b = positions[Int(t.y)], c = positions[Int(t.z)]
            let d = simd_dot(simd_cross(b - a, c - a), towardsViewer)
            return d > 0 ? 1 : (d < 0 ? -1 : 0)
        }
        var silhouette: [Int] = [], boundary: [Int] = []
        for (i, e) in edges.enumerated() {
            if let other = e.secondTriangle {
                if facing[e.firstTriangle] != facing[other] { silhouette.append(i) }
            } else if facing[e.firstTriangle] > 0 {
                boundary.append(i)
            }
        }
        return OccludingContour(silhouetteEdges: silhouette, frontFacingBoundaryEdges: boundary, adjacency: self)
    }

    /// The occluding contour of `mesh` (its positions and triangles) seen from `towardsViewer`;
    /// see `occludingContour(positions:triangles:towardsViewer:)`.
    public func occludingContour(of mesh: TriangleMesh, towardsViewer: SIMD3<Float>) -> OccludingContour {
        occludingContour(positions: mesh.positions, triangles: mesh.triangles, towardsViewer: towardsViewer)
    }
}
