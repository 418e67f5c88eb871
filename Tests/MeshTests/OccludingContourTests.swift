import Mesh
import Testing

/// Occluding contours: silhouettes of closed meshes under known views, and open boundaries.
@Suite struct OccludingContourTests {
    /// A cube of side 2 centred at the origin, 12 triangles counter-clockwise seen from outside.
    static let cube: TriangleMesh = {
        var positions: [SIMD3<Float>] = []
        for i in 0..<8 { positions.append(SIMD3(i & 1 == 0 ? -1 : 1, i & 2 == 0 ? -1 : 1, i & 4 == 0 ? -1 : 1)) }
        // Each face as a quad (a, b, c, d) counter-clockwise seen from outside.
        let quads: [SIMD4<UInt32>] = [
            SIMD4(1, 3, 7, 5), SIMD4(0, 4, 6, 2),  // +x, −x
            SIMD4(2, 6, 7, 3), SIMD4(0, 1, 5, 4),  // +y, −y
            SIMD4(4, 5, 7, 6), SIMD4(0, 2, 3, 1),  // +z, −z
        ]
        let triangles = quads.flatMap { q in [SIMD3(q.x, q.y, q.z), SIMD3(q.x, q.z, q.w)] }
        return TriangleMesh(positions: positions, triangles: triangles)
    }()

    @Test func cubeFacesPointOutwards() {
        for t in Self.cube.triangles {
            let a = Self.cube.positions[Int(t.x)], b = Self.cube.positions[Int(t.y)], c = Self.cube.positions[Int(t.z)]
            #expect(simd_dot(simd_cross(b - a, c - a), (a + b + c) / 3) > 0)
        }
    }

    @Test func cubeSilhouetteIsTheHexagonAroundTheViewAxis() throws {
        let adjacency = try MeshEdgeAdjacency(mesh: Self.cube)
        #expect(adjacency.edges.count == 18)  // 12 cube edges and 6 face diagonals
        // Seen along (1, 2, 3) the +x, +y, +z faces face the viewer; the silhouette is the six
        // edges between them and the others, through every corner but (1, 1, 1) and (−1, −1, −1).
        let contour = adjacency.occludingContour(of: Self.cube, towardsViewer: SIMD3(1, 2, 3))
        #expect(contour.silhouetteEdges.count == 6)
        #expect(contour.silhouetteVertices == [1, 2, 3, 4, 5, 6])
        #expect(contour.frontFacingBoundaryEdges.isEmpty && contour.frontFacingBoundaryVertices.isEmpty)
        // The opposite view has the same silhouette.
        #expect(adjacency.occludingContour(of: Self.cube, towardsViewer: SIMD3(-1, -2, -3)).silhouetteEdges == contour.silhouetteEdges)
        // Exactly along +z the four side faces are edge-on (n·v = 0): as in eos, a change of sign
        // from + or − to 0 counts, so both the front and the back square are silhouette.
        let axis = adjacency.occludingContour(of: Self.cube, towardsViewer: SIMD3(0, 0, 1))
        #expect(axis.silhouetteVertices == Array(0..<8))
        #expect(axis.silhouetteEdges.count == 8)
    }

    @Test(arguments: [SIMD3<Float>(0, 1, 0), SIMD3<Float>(0, 0, 1), SIMD3<Float>(0, 0, -5)])
    func sphereSilhouetteIsTheGreatCircleFacingAway(view: SIMD3<Float>) throws {
        // Poles on the z axis, 8 segments (meridians at 0°, 45°, …), rings every 30° (one on the equator):
        // seen along y the silhouette is the meridians at 0° and 180°, along z the equator.
        let sphere = TestMeshes.sphere(rings: 6, segments: 8, radius: 100)
        let adjacency = try MeshEdgeAdjacency(mesh: sphere)
        #expect(adjacency.openBoundaryVertices.isEmpty)
        let contour = adjacency.occludingContour(of: sphere, towardsViewer: view)
        let axis = simd_normalize(view)
        let expected = sphere.positions.indices.filter { abs(simd_dot(sphere.positions[$0], axis)) < 1e-3 }
        #expect(!expected.isEmpty)
        #expect(contour.silhouetteVertices == expected)
        #expect(contour.frontFacingBoundaryVertices.isEmpty)
    }

    @Test func hemisphereOutlineIsOpenBoundaryNotSilhouette() throws {
        // The front half of the sphere (z ≥ 0), cut at the equator like a face mask is cut at the ears.
        let sphere = TestMeshes.sphere(rings: 6, segments: 8, radius: 100)
        let front = sphere.triangles.filter { t in [t.x, t.y, t.z].allSatisfy { sphere.positions[Int($0)].z > -1e-3 } }
        let hemisphere = TriangleMesh(positions: sphere.positions, triangles: front)
        let equator = sphere.positions.indices.filter { abs(sphere.positions[$0].z) < 1e-3 }
        let adjacency = try MeshEdgeAdjacency(mesh: hemisphere)
        #expect(adjacency.openBoundaryVertices == equator)
        #expect(hemisphere.openBoundaryVertices() == equator)

        let seenFromFront = adjacency.occludingContour(of: hemisphere, towardsViewer: SIMD3(0, 0, 1))
        #expect(seenFromFront.silhouetteVertices.isEmpty)
        #expect(seenFromFront.frontFacingBoundaryVertices == equator)
        #expect(seenFromFront.frontFacingBoundaryEdges.count == 8)
        let seenFromBehind = adjacency.occludingContour(of: hemisphere, towardsViewer: SIMD3(0, 0, -1))
        #expect(seenFromBehind.silhouetteVertices.isEmpty && seenFromBehind.frontFacingBoundaryVertices.isEmpty)
        // Seen from the side (+x), the dome's silhouette is the meridian at 90° and 270° (x = 0),
        // and only the half of the rim on the viewer's side is in front.
        let side = adjacency.occludingContour(of: hemisphere, towardsViewer: SIMD3(1, 0, 0))
        #expect(side.silhouetteVertices == hemisphere.positions.indices.filter { abs(hemisphere.positions[$0].x) < 1e-3 && hemisphere.positions[$0].z > -1e-3 })
        #expect(side.frontFacingBoundaryVertices == equator.filter { hemisphere.positions[$0].x > -1e-3 })
    }

    @Test func openStripFacesOneWay() throws {
        let strip = TestMeshes.grid(columns: 2, rows: 1)
        let adjacency = try MeshEdgeAdjacency(mesh: strip)
        let up = adjacency.occludingContour(of: strip, towardsViewer: SIMD3(0, 0, 1))
        #expect(up.silhouetteEdges.isEmpty)
        #expect(up.frontFacingBoundaryVertices == Array(0..<6))
        #expect(up.frontFacingBoundaryEdges.count == adjacency.openBoundaryEdgeCount)
        let down = adjacency.occludingContour(of: strip, towardsViewer: SIMD3(0, 0, -1))
        #expect(down.silhouetteEdges.isEmpty && down.frontFacingBoundaryEdges.isEmpty)
        // A fold: the far edge (vertices 2 and 5) moved back to x = 0, so the second quad folds over
        // the first and faces away; the crease (vertices 1–4) is the silhouette.
        var folded = strip
        folded.positions[2].x = 0
        folded.positions[5].x = 0
        let fold = adjacency.occludingContour(of: folded, towardsViewer: SIMD3(0, 0, 1))
        #expect(fold.silhouetteVertices == [1, 4])
    }
}
