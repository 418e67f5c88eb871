import Mesh

extension FaceModel {
    /// This model with each landmark moved to the point of the skin surface nearest to where it is now
    /// plus `offsets[i]` (mm, model frame, on the mean face), keeping it on the surface so that it still
    /// moves with identity, expression and the jaw. A landmark keeps to its own part of the face: the
    /// new triangle's jaw weight is within 0.25 of the old one's (a lip point stays on its lip), and an eyelid
    /// point stays on its side of the line through its eye's corners (on its lid). A zero or non-finite offset, and the jawline contour
    /// landmarks 0–16 (which slide over their candidate bands anyway), leave the landmark where it is.
    ///
    /// This is how a landmark calibration (`Templates/landmark-calibration.csv`, made by
    /// `faceatlas model calibrate-landmarks`) is applied: it says where annotators and trackers put each
    /// point relative to the model's anatomy.
    public func withLandmarks(movedBy offsets: [SIMD3<Float>]) -> FaceModel {
        precondition(offsets.count == LandmarkEmbedding.count, "one offset per landmark")
        var out = self
        let current = landmarkPositions()
        let movable = (0..<LandmarkEmbedding.count).filter { !LandmarkEmbedding.contourIndices.contains($0) && landmarks.isDefined($0) }
        let moved = surfacePoints(at: current, triangles: landmarks.triangles, movedBy: offsets, only: movable) { i in
            // An eyelid point stays on its own lid: on the same side of the line through its eye's corners.
            Self.eyelidCorners[i].map { (current[$0.0], current[$0.1]) }
        }
        for (i, point) in moved {
            out.landmarks.triangles[i] = Int32(point.triangle)
            out.landmarks.barycentric[i] = point.barycentric
        }
        return out
    }

    /// This model with each dense landmark (`denseLandmarks`) moved as `withLandmarks(movedBy:)` moves the
    /// iBUG points: to the skin point nearest to where it is plus `offsets[i]`, on its own side of the jaw.
    /// Unchanged without a dense embedding.
    public func withDenseLandmarks(movedBy offsets: [SIMD3<Float>]) -> FaceModel {
        guard let dense = denseLandmarks else { return self }
        precondition(offsets.count == dense.count, "one offset per dense landmark")
        var out = self
        let current = dense.positions(on: mesh.positions, triangles: mesh.triangles)
        let moved = surfacePoints(at: current, triangles: dense.triangles, movedBy: offsets,
                                  only: (0..<dense.count).filter(dense.isDefined)) { _ in nil }
        for (i, point) in moved {
            out.denseLandmarks!.triangles[i] = Int32(point.triangle)
            out.denseLandmarks!.barycentric[i] = point.barycentric
        }
        return out
    }

    /// For each point `i` of `only` (at `current[i]` on triangle `triangles[i]`), the skin point nearest to
    /// `current[i] + offsets[i]` whose triangle's jaw weight is within `landmarkJawWeightTolerance` of the old
    /// one's and, when `line(i)` gives a line (front view), on the same side of it. Zero and non-finite
    /// offsets leave a point out.
    func surfacePoints(at current: [SIMD3<Float>], triangles owners: [Int32], movedBy offsets: [SIMD3<Float>], only indices: [Int],
                       line: (Int) -> (SIMD3<Float>, SIMD3<Float>)?) -> [(Int, (triangle: Int, barycentric: SIMD3<Float>))] {
        let positions = mesh.positions
        let triangles = mesh.triangles
        let candidates = skinTriangles
        // A point stays on its own side of the jaw: an inner-lip point moved forward must land on its own lip,
        // not on the other one (which would make the mouth's opening invisible to it).
        let jawWeights = jaw?.weights
        func jawWeight(_ t: Int) -> Float {
            guard let w = jawWeights else { return 0 }
            let f = triangles[t]
            return (w[Int(f.x)] + w[Int(f.y)] + w[Int(f.z)]) / 3
        }
        var out: [(Int, (triangle: Int, barycentric: SIMD3<Float>))] = []
        for i in indices {
            let d = offsets[i]
            guard d.x.isFinite, d.y.isFinite, d.z.isFinite, d != .zero else { continue }
            let target = current[i] + d
            let ownJawWeight = jawWeight(Int(owners[i]))
            let side = line(i).map { ($0.0, $0.1, Self.side(current[i], of: $0)) }
            let best = Self.nearestPoint(to: target, on: mesh, among: candidates) { t in
                guard abs(jawWeight(t) - ownJawWeight) <= Self.landmarkJawWeightTolerance else { return false }
                guard let (a, b, own) = side else { return true }
                let f = triangles[t]
                let centroid = (positions[Int(f.x)] + positions[Int(f.y)] + positions[Int(f.z)]) / 3
                return Self.side(centroid, of: (a, b)) * own > 0
            }
            if let best { out.append((i, best)) }
        }
        return out
    }

    /// The triangles a landmark may sit on: skin only when the mesh names its parts (eyeballs and teeth are not
    /// annotated), else every triangle.
    public var skinTriangles: [Int] {
        let skin = mesh.partNames.firstIndex(of: "skin").map(UInt8.init)
        return mesh.triangles.indices.filter { t in
            guard let skin, t < mesh.triangleParts.count else { return true }
            return mesh.triangleParts[t] == skin
        }
    }

    /// The point of `mesh` nearest to `target` among the triangles `candidates` that `accept` lets through: its
    /// triangle and barycentric coordinates (nil when none is accepted).
    public static func nearestPoint(to target: SIMD3<Float>, on mesh: TriangleMesh, among candidates: [Int],
                                    where accept: (Int) -> Bool = { _ in true }) -> (triangle: Int, barycentric: SIMD3<Float>)? {
        let positions = mesh.positions
        var best = (distance: Float.infinity, triangle: -1, barycentric: SIMD3<Float>.zero)
        for t in candidates {
            let f = mesh.triangles[t]
            let a = positions[Int(f.x)], b = positions[Int(f.y)], c = positions[Int(f.z)]
            // Cheap rejection: the target must be near the triangle's bounding box.
            let lo = pointwiseMin(pointwiseMin(a, b), c), hi = pointwiseMax(pointwiseMax(a, b), c)
            let outside = pointwiseMax(pointwiseMax(lo - target, target - hi), .zero)
            if (outside * outside).sum() >= best.distance { continue }
            guard accept(t) else { continue }
            let w = closestPoint(on: (a, b, c), to: target)
            let p = a * w.x + b * w.y + c * w.z
            let e = ((p - target) * (p - target)).sum()
            if e < best.distance { best = (e, t, w) }
        }
        return best.triangle >= 0 ? (best.triangle, best.barycentric) : nil
    }

    /// How far a moved landmark's triangle's jaw weight may differ from its original triangle's (mean of its
    /// vertices' weights): keeps upper-lip points on the upper lip and lower-lip points on the lower one.
    static let landmarkJawWeightTolerance: Float = 0.25

    /// For each eyelid landmark (iBUG 0-based 37, 38, 40, 41 and 43, 44, 46, 47), its eye's corners.
    static let eyelidCorners: [Int: (Int, Int)] = [37: (36, 39), 38: (36, 39), 40: (36, 39), 41: (36, 39),
                                                   43: (42, 45), 44: (42, 45), 46: (42, 45), 47: (42, 45)]

    /// Which side (sign of the result) of the line through the corners `line` point `p` lies on, in the front view (x, y).
    static func side(_ p: SIMD3<Float>, of line: (SIMD3<Float>, SIMD3<Float>)) -> Float {
        let d = line.1 - line.0, q = p - line.0
        return d.x * q.y - d.y * q.x
    }

    /// Barycentric coordinates of the point of triangle (a, b, c) nearest to `p` (Ericson, Real-Time Collision
    /// Detection, 5.1.5).
    public static func closestPoint(on triangle: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), to p: SIMD3<Float>) -> SIMD3<Float> {
        let (a, b, c) = triangle
        func dot(_ u: SIMD3<Float>, _ v: SIMD3<Float>) -> Float { (u * v).sum() }
        let ab = b - a, ac = c - a, ap = p - a
        let d1 = dot(ab, ap), d2 = dot(ac, ap)
        if d1 <= 0 && d2 <= 0 { return SIMD3(1, 0, 0) }
        let bp = p - b
        let d3 = dot(ab, bp), d4 = dot(ac, bp)
        if d3 >= 0 && d4 <= d3 { return SIMD3(0, 1, 0) }
        let vc = d1 * d4 - d3 * d2
        if vc <= 0 && d1 >= 0 && d3 <= 0 {
            let v = d1 / (d1 - d3)
            return SIMD3(1 - v, v, 0)
        }
        let cp = p - c
        let d5 = dot(ab, cp), d6 = dot(ac, cp)
        if d6 >= 0 && d5 <= d6 { return SIMD3(0, 0, 1) }
        let vb = d5 * d2 - d1 * d6
        if vb <= 0 && d2 >= 0 && d6 <= 0 {
            let w = d2 / (d2 - d6)
            return SIMD3(1 - w, 0, w)
        }
        let va = d3 * d6 - d5 * d4
        if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {
            let w = (d4 - d3) / ((d4 - d3) + (d5 - d6))
            return SIMD3(0, 1 - w, w)
        }
        let denominator = 1 / (va + vb + vc)
        let v = vb * denominator, w = vc * denominator
        return SIMD3(1 - v - w, v, w)
    }
}
