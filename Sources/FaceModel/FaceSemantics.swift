/// Derives a model's face semantics from its surface and its 68 landmarks, by one
/// documented rule for every model (the default model, imported Surrey and FLAME models):
///
/// - **Face area**: skin vertices in front of the jawline landmarks' depth (less 15 mm),
///   from 3 mm below the chin up to 60 mm above the brows.
/// - **Regions** (1–16, `FaceRegion`): each face-area vertex goes to the nearest region
///   seed in the frontal (x, y) plane. Seeds are placed from landmarks: forehead 25 mm
///   above brow points 19, 21/22 and 24; glabella between the inner brow ends and the nasion;
///   outer eye corners 6 mm lateral of 36/45, inner 3 mm medial of 39/42; cheeks at the
///   centroid of (2, 31, 41) and (14, 35, 46); nose between 28 and 30; upper lip between 33
///   and 51; chin between 8 and 57; mouth corners 5 mm lateral of 48/54; lower lip between 57 and 66.
/// - **Organs** (1–9, `FacialOrgan`): the group of the nearest landmark within 12 mm.
/// - **Symmetry**: each vertex's mirror is the vertex nearest to its reflection in x = 0.
public enum FaceSemantics {
    /// The region seeds (frontal x, y in mm) of a face with these landmarks, indexed by region − 1.
    public static func regionSeeds(landmarks l: [SIMD3<Float>]) -> [SIMD2<Float>] {
        func p(_ i: Int) -> SIMD2<Float> { SIMD2(l[i].x, l[i].y) }
        func mean(_ ids: [Int]) -> SIMD2<Float> { ids.map(p).reduce(.zero, +) / Float(ids.count) }
        let up = SIMD2<Float>(0, 25)
        let lateralR = SIMD2<Float>(-1, 0), lateralL = SIMD2<Float>(1, 0)
        return [
            p(19) + up,                                 // 1 right forehead
            mean([21, 22]) + up,                        // 2 central forehead
            p(24) + up,                                 // 3 left forehead
            (mean([21, 22]) + p(27)) / 2,               // 4 glabella
            p(36) + 6 * lateralR,                       // 5 right outer eye corner
            p(39) - 3 * lateralR,                       // 6 right inner eye corner
            p(42) - 3 * lateralL,                       // 7 left inner eye corner
            p(45) + 6 * lateralL,                       // 8 left outer eye corner
            mean([2, 31, 41]),                          // 9 right cheek
            mean([28, 30]),                             // 10 nose
            mean([14, 35, 46]),                         // 11 left cheek
            mean([33, 51]),                             // 12 upper lip
            mean([8, 57]),                              // 13 chin
            p(48) + 5 * lateralR,                       // 14 right mouth corner
            p(54) + 5 * lateralL,                       // 15 left mouth corner
            mean([57, 66]),                             // 16 lower lip
        ]
    }

    /// Which vertices belong to the face area (see the type's documentation).
    public static func faceArea(positions: [SIMD3<Float>], skin: [Bool], landmarks l: [SIMD3<Float>]) -> [Bool] {
        let depth = min(l[0].z, l[16].z) - 15
        let bottom = l[8].y - 3
        let top = (17...26).map { l[$0].y }.max()! + 60
        return positions.indices.map { v in
            let p = positions[v]
            return skin[v] && p.z > depth && p.y > bottom && p.y < top
        }
    }

    /// The region (1–16, 0 outside the face area) of each vertex.
    public static func regions(positions: [SIMD3<Float>], skin: [Bool], landmarks: [SIMD3<Float>]) -> [UInt8] {
        let seeds = regionSeeds(landmarks: landmarks)
        let area = faceArea(positions: positions, skin: skin, landmarks: landmarks)
        return positions.indices.map { v in
            guard area[v] else { return 0 }
            let q = SIMD2(positions[v].x, positions[v].y)
            var best = 0
            var bestD = Float.infinity
            for (i, s) in seeds.enumerated() {
                let d = ((q - s) * (q - s)).sum()
                if d < bestD { bestD = d; best = i }
            }
            return UInt8(best + 1)
        }
    }

    /// The organ (1–9, 0 for none) of each vertex: the group of its nearest landmark within `radius` mm.
    public static func organs(positions: [SIMD3<Float>], landmarks: [SIMD3<Float>], radius: Float = 12) -> [UInt8] {
        positions.map { p in
            var best = -1
            var bestD = radius * radius
            for (i, l) in landmarks.enumerated() where !l.x.isNaN {
                let d = ((p - l) * (p - l)).sum()
                if d < bestD { bestD = d; best = i }
            }
            return best < 0 ? 0 : UInt8(FacialOrgan.of(landmark: best).rawValue)
        }
    }

    /// The mirror vertex of each vertex: the one nearest to its reflection in the plane x = 0
    /// (−1 where none lies within `tolerance` mm).
    public static func symmetry(positions: [SIMD3<Float>], tolerance: Float = 1.0) -> [Int32] {
        // Hash grid with cells of `cell` mm.
        let cell: Float = 4
        func key(_ p: SIMD3<Float>) -> SIMD3<Int32> { SIMD3<Int32>((p / cell).rounded(.down)) }
        var grid: [SIMD3<Int32>: [Int32]] = [:]
        for (i, p) in positions.enumerated() { grid[key(p), default: []].append(Int32(i)) }
        return positions.map { p in
            let q = SIMD3(-p.x, p.y, p.z)
            let k = key(q)
            var best: Int32 = -1
            var bestD = tolerance * tolerance
            for dx in -1...1 { for dy in -1...1 { for dz in -1...1 {
                for j in grid[k &+ SIMD3(Int32(dx), Int32(dy), Int32(dz))] ?? [] {
                    let d = ((positions[Int(j)] - q) * (positions[Int(j)] - q)).sum()
                    if d < bestD { bestD = d; best = j }
                }
            } } }
            return best
        }
    }
}
