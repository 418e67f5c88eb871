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
        let positions = mesh.positions
        let triangles = mesh.triangles
        let current = landmarkPositions()
        // Candidate triangles: skin only when the mesh names its parts (eyeballs and teeth are not annotated).
        let skin = mesh.partNames.firstIndex(of: "skin").map(UInt8.init)
        let candidates = triangles.indices.filter { t in
            guard let skin, t < mesh.triangleParts.count else { return true }
            return mesh.triangleParts[t] == skin
        }
        // A landmark stays on its own side of the jaw: an inner-lip point moved forward must land on its own lip,
        // not on the other one (which would make the mouth's opening invisible to it).
        let jawWeights = jaw?.weights
        func jawWeight(_ t: Int) -> Float {
            guard let w = jawWeights else { return 0 }
            let f = triangles[t]
            return (w[Int(f.x)] + w[Int(f.y)] + w[Int(f.z)]) / 3
        }
        for i in 0..<LandmarkEmbedding.count where !LandmarkEmbedding.contourIndices.contains(i) && landmarks.isDefined(i) {
            let d = offsets[i]
            guard d.x.isFinite, d.y.isFinite, d.z.isFinite, d != .zero else { continue }
            let target = current[i] + d
            let ownJawWeight = jawWeight(Int(landmarks.triangles[i]))
            // An eyelid point stays on its own lid: on the same side of the line through its eye's corners.
            let lid = Self.eyelidCorners[i].map { corners -> (SIMD3<Float>, SIMD3<Float>, Float) in
                let a = current[corners.0], b = current[corners.1]
                return (a, b, Self.side(current[i], of: (a, b)))
            }
            var best = (distance: Float.infinity, triangle: -1, barycentric: SIMD3<Float>.zero)
            for t in candidates where abs(jawWeight(t) - ownJawWeight) <= Self.landmarkJawWeightTolerance {
                let f = triangles[t]
                if let (a, b, own) = lid {
                    let centroid = (positions[Int(f.x)] + positions[Int(f.y)] + positions[Int(f.z)]) / 3
                    if Self.side(centroid, of: (a, b)) * own <= 0 { continue }
                }
                let a = positions[Int(f.x)], b = positions[Int(f.y)], c = positions[Int(f.z)]
                // Cheap rejection: the target must be near the triangle's bounding box.
                let lo = pointwiseMin(pointwiseMin(a, b), c), hi = pointwiseMax(pointwiseMax(a, b), c)
                let outside = pointwiseMax(pointwiseMax(lo - target, target - hi), .zero)
                if (outside * outside).sum() >= best.distance { continue }
                let w = Self.closestPoint(on: (a, b, c), to: target)
                let p = a * w.x + b * w.y + c * w.z
                let e = ((p - target) * (p - target)).sum()
                if e < best.distance { best = (e, t, w) }
            }
            guard best.triangle >= 0 else { continue }
            out.landmarks.triangles[i] = Int32(best.triangle)
            out.landmarks.barycentric[i] = best.barycentric
        }
        return out
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
    static func closestPoint(on triangle: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), to p: SIMD3<Float>) -> SIMD3<Float> {
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
