import FaceModel
import Mesh

/// Where the jawline landmarks of the side turned away from the camera lie on the model: on the
/// cheek's outline (the occluding contour), not on the jawline the model's contour bands follow.
///
/// When a head turns, the annotator's (and dlib's) far-side jaw points follow the outline of the
/// face in the image, which is the silhouette of the cheek, well behind the jaw bone's front edge.
/// A fixed band of candidate vertices along the jawline (eos's `model_contours.json`) can only
/// reach that outline by widening the face, so a fitter that uses the bands on both sides pays
/// for every turned head with a wrong identity. eos fits the far side to the mesh's occluding edges
/// instead; FaceAtlas does the same with outlines precomputed on the mean face:
///
/// - for viewing directions on a grid (yaw −70…70° by 2°, pitch −20…20° by 10°), the silhouette
///   edges of the mean mesh (`MeshEdgeAdjacency.occludingContour`), without the mesh's open
///   boundary;
/// - on each side, between 5 mm below the chin and the outer eye corners' height and outside the
///   nose wings, the **outline**: in each 2 mm slice of image height the vertex that lies furthest out
///   on that side, where it is a silhouette vertex (the outermost point is never hidden behind the face);
/// - the union of all outline vertices becomes fitter points (with identity, expression and jaw
///   rows, so the outline moves with the fitted face), and each view keeps its outline as indices.
///
/// A frame's far side (the viewer more than `farSideThreshold` towards the other side) then picks,
/// for each of its jaw landmarks, the outline point of the nearest view that is nearest the
/// observation; the near side keeps its band. Outlines of the mean face differ from those of the
/// fitted face by far less than landmark noise at the yaws where the far side is used.
public struct FarSideSilhouette: Sendable {
    /// One viewing direction's outlines.
    public struct View: Sendable {
        /// The unit direction from the face to the viewer, in the model frame.
        public var towardsViewer: SIMD3<Double>
        /// Indices into `points` of the outline on the subject's right (landmarks 0–7, x < 0).
        public var right: [Int]
        /// Indices into `points` of the outline on the subject's left (landmarks 9–16, x > 0).
        public var left: [Int]
    }

    /// The outline points of all views (model points with their rows).
    public var points: [LandmarkRows.Point]
    /// The mesh vertex of each point.
    public var vertices: [Int]
    /// The views, in grid order.
    public var views: [View]

    /// A side is far (its jaw points on the outline) when the viewer direction's component along the
    /// side's outward axis is below −sin 8°: from a yaw of about 8° away from that side.
    public static let farSideThreshold = sin(8 * Double.pi / 180)

    /// The outlines of `model`'s mean face; nil when its mesh has no edge adjacency (an edge shared by
    /// more than two triangles) or it lacks the landmarks that bound the outline (8, 31, 35, 36, 45).
    ///
    /// - Parameter point: the fitter point of a mesh vertex (`LandmarkRows.vertexPoint`).
    init?(model: FaceModel, point: (Int) -> LandmarkRows.Point) {
        guard let adjacency = try? model.edgeAdjacency() else { return nil }
        let landmarks = model.landmarkPositions()
        guard [8, 31, 35, 36, 45].allSatisfy({ model.landmarks.triangles[$0] >= 0 }) else { return nil }
        let chinY = Double(landmarks[8].y) - 5
        let eyeY = Double(landmarks[36].y + landmarks[45].y) / 2
        let noseX = Double(max(abs(landmarks[31].x), abs(landmarks[35].x))) + 3
        let positions = model.mesh.positions.map { SIMD3<Double>($0) }
        // The mean face is fixed, so its triangle normals are computed once; a view only takes their signs.
        let normals = model.mesh.triangles.map { t -> SIMD3<Double> in
            let a = positions[Int(t.x)], b = positions[Int(t.y)], c = positions[Int(t.z)]
            let u = b - a, v = c - a
            return SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        }
        let inner = adjacency.edges.compactMap { e in e.secondTriangle.map { (e.vertices.x, e.vertices.y, e.firstTriangle, $0) } }
        var onBoundary = [Bool](repeating: false, count: positions.count)
        for v in adjacency.openBoundaryVertices { onBoundary[v] = true }
        // The vertices an outline may use, per side: off the open boundary, between 5 mm below the chin and the
        // eye corners, outside the nose wings.
        let sides: [(sign: Double, vertices: [Int])] = [-1.0, 1.0].map { sign in
            (sign, positions.indices.filter { v in
                let x = positions[v]
                return !onBoundary[v] && x.y >= chinY && x.y <= eyeY && sign * x.x > noseX
            })
        }
        var pointIndex = [Int](repeating: -1, count: positions.count)
        var vertices: [Int] = []
        var views: [View] = []
        var facing = [Int8](repeating: 0, count: normals.count)
        // 2 mm slices of image height, over the extent of the mesh (bottom to top).
        let extent = positions.reduce(0.0) { max($0, ($1 * $1).sum().squareRoot()) }
        let sliceOffset = Int((extent / 2).rounded(.up)) + 1
        var bestOut = [Double](repeating: 0, count: 2 * sliceOffset + 1)
        var bestVertex = [Int](repeating: -1, count: bestOut.count)
        var silhouette = [Bool](repeating: false, count: positions.count)
        for pitchDegrees in stride(from: -20.0, through: 20.0, by: 10.0) {
            for yawDegrees in stride(from: -70.0, through: 70.0, by: 2.0) {
                let yaw = yawDegrees * .pi / 180, pitch = pitchDegrees * .pi / 180
                let d = SIMD3(sin(yaw) * cos(pitch), sin(pitch), cos(yaw) * cos(pitch))
                // Silhouette vertices: on an edge between a triangle facing the viewer and one facing away
                // (as `MeshEdgeAdjacency.occludingContour`).
                for t in normals.indices { let f = (normals[t] * d).sum(); facing[t] = f > 0 ? 1 : (f < 0 ? -1 : 0) }
                for i in silhouette.indices { silhouette[i] = false }
                for (a, b, t0, t1) in inner where facing[t0] != facing[t1] { silhouette[a] = true; silhouette[b] = true }
                // Image axes for this view: up is the model's y made perpendicular to d, across the model's x.
                var up = SIMD3<Double>(0, 1, 0) - d.y * d
                up /= (up * up).sum().squareRoot()
                var across = SIMD3<Double>(1, 0, 0) - d.x * d - up.x * up
                across /= (across * across).sum().squareRoot()
                var outline: [[Int]] = [[], []]
                for (side, candidates) in sides.enumerated() {
                    // The outermost vertex of each 2 mm slice (among all of the side's, so that a silhouette vertex
                    // hidden behind the cheek never counts), kept when it lies on the silhouette.
                    for k in bestOut.indices { bestOut[k] = -.infinity; bestVertex[k] = -1 }
                    for v in candidates.vertices {
                        let x = positions[v]
                        let slice = min(max(Int(((x * up).sum() / 2).rounded(.down)) + sliceOffset, 0), bestOut.count - 1)
                        let out = candidates.sign * (x * across).sum()
                        if out > bestOut[slice] { bestOut[slice] = out; bestVertex[slice] = v }
                    }
                    for v in bestVertex where v >= 0 && silhouette[v] {
                        if pointIndex[v] < 0 { pointIndex[v] = vertices.count; vertices.append(v) }
                        outline[side].append(pointIndex[v])
                    }
                }
                views.append(View(towardsViewer: d, right: outline[0], left: outline[1]))
            }
        }
        guard !vertices.isEmpty else { return nil }
        self.vertices = vertices
        self.points = vertices.map(point)
        self.views = views
    }

    /// The view whose direction is nearest `towardsViewer` (unit length).
    func nearestView(_ towardsViewer: SIMD3<Double>) -> Int {
        var best = 0, bestDot = -Double.infinity
        for (i, view) in views.enumerated() {
            let dot = (view.towardsViewer * towardsViewer).sum()
            if dot > bestDot { bestDot = dot; best = i }
        }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#endif
