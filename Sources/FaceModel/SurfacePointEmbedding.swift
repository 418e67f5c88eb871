/// A set of points on a model's surface, each a point on a triangle given by barycentric
/// coordinates, so that it moves with the surface under identity, expression and jaw.
///
/// FaceAtlas uses it for a dense landmark scheme beside the 68 iBUG points: MediaPipe Face Mesh's
/// 468 points (`FaceModel.denseLandmarks`), embedded by `faceatlas model calibrate-mediapipe`. Each
/// point also carries how consistently the landmarker puts it on the surface (`spread`), which a
/// fitter turns into a per-point weight.
public struct SurfacePointEmbedding: Sendable, Equatable {
    /// Triangle of each point (−1: not defined on this model).
    public var triangles: [Int32]
    /// Barycentric coordinates of each point in its triangle.
    public var barycentric: [SIMD3<Float>]
    /// Per point, the scatter (mm, robust RMS) of where the landmarker put it on the surface during
    /// calibration: small on sharp features (eye corners, lip corners), large on smooth skin and
    /// on points that slide with the silhouette.
    public var spread: [Float]

    /// Creates an embedding; the three arrays have one entry per point.
    public init(triangles: [Int32], barycentric: [SIMD3<Float>], spread: [Float]) {
        precondition(triangles.count == barycentric.count && triangles.count == spread.count)
        self.triangles = triangles
        self.barycentric = barycentric
        self.spread = spread
    }

    /// The number of points.
    public var count: Int { triangles.count }

    /// Whether point `i` is defined on this model.
    public func isDefined(_ i: Int) -> Bool { triangles[i] >= 0 }

    /// The point positions on a surface with `positions` and `meshTriangles` (NaN where undefined).
    public func positions(on positions: [SIMD3<Float>], triangles meshTriangles: [SIMD3<UInt32>]) -> [SIMD3<Float>] {
        surfacePositions(triangles: triangles, barycentric: barycentric, on: positions, meshTriangles: meshTriangles)
    }
}

/// Points given by a triangle and barycentric coordinates each, on a surface with `positions` and
/// `meshTriangles` (NaN where the triangle is −1): shared by the iBUG and the dense landmark embeddings.
func surfacePositions(triangles: [Int32], barycentric: [SIMD3<Float>], on positions: [SIMD3<Float>],
                      meshTriangles: [SIMD3<UInt32>]) -> [SIMD3<Float>] {
    (0..<triangles.count).map { i in
        let t = triangles[i]
        guard t >= 0 else { return SIMD3(Float.nan, .nan, .nan) }
        let f = meshTriangles[Int(t)]
        let b = barycentric[i]
        return positions[Int(f.x)] * b.x + positions[Int(f.y)] * b.y + positions[Int(f.z)] * b.z
    }
}
