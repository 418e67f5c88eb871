/// The 68 iBUG landmarks embedded on a model surface.
///
/// Each landmark is a point on a triangle, given by barycentric coordinates, so it
/// moves with the surface under identity, expression and jaw. The 17 jawline
/// landmarks (0–16) are *contour* landmarks: on a real face they sit on the silhouette,
/// which slides over the surface as the head turns. For each of them the embedding
/// keeps a band of candidate vertices from the front of the face round to the side,
/// from which a fitter picks the one on the silhouette under the current pose.
public struct LandmarkEmbedding: Sendable, Equatable {
    /// The number of iBUG landmarks.
    public static let count = 68
    /// The contour (jawline) landmarks.
    public static let contourIndices = 0...16

    /// Triangle of each landmark.
    public var triangles: [Int32]
    /// Barycentric coordinates of each landmark in its triangle.
    public var barycentric: [SIMD3<Float>]
    /// For each contour landmark (0–16), candidate vertices ordered from the front of the face outward.
    public var contourCandidates: [[Int32]]

    /// Creates an embedding; `triangles` and `barycentric` have one entry per landmark.
    public init(triangles: [Int32], barycentric: [SIMD3<Float>], contourCandidates: [[Int32]]) {
        self.triangles = triangles
        self.barycentric = barycentric
        self.contourCandidates = contourCandidates
    }

    /// An embedding that puts each landmark exactly on a vertex (as eos/SFM mappings do).
    public init(vertices: [Int32], mesh triangles: [SIMD3<UInt32>], contourCandidates: [[Int32]]) {
        var tri = [Int32](), bary = [SIMD3<Float>]()
        var firstTriangle = [Int32: (Int32, Int)]()
        for (t, f) in triangles.enumerated() {
            for corner in 0..<3 where firstTriangle[Int32(f[corner])] == nil {
                firstTriangle[Int32(f[corner])] = (Int32(t), corner)
            }
        }
        for v in vertices {
            if v >= 0, let (t, corner) = firstTriangle[v] {
                tri.append(t)
                var b = SIMD3<Float>(repeating: 0); b[corner] = 1
                bary.append(b)
            } else {
                tri.append(-1); bary.append(.zero)
            }
        }
        self.init(triangles: tri, barycentric: bary, contourCandidates: contourCandidates)
    }

    /// Whether landmark `i` is defined on this model (imported models may lack some).
    public func isDefined(_ i: Int) -> Bool { triangles[i] >= 0 }

    /// The landmark positions on a surface with `positions` and `meshTriangles`.
    public func positions(on positions: [SIMD3<Float>], triangles meshTriangles: [SIMD3<UInt32>]) -> [SIMD3<Float>] {
        surfacePositions(triangles: triangles, barycentric: barycentric, on: positions, meshTriangles: meshTriangles)
    }
}
