import Mesh

/// The part of the MakeHuman base mesh that becomes the face model: the face and the
/// front of the head (body quads with every corner above the neck plane and in front of a
/// coronal plane behind the ears), the eyeballs, the teeth and the tongue; triangulated,
/// in millimetres, in the head frame (origin between the eyeball centres), with the UV
/// islands repacked into the unit square without overlap.
struct FaceCut {
    /// Quads of the body with every vertex above this height (decimetres) are kept: just below the chin.
    static let neckPlane = 6.0
    /// ... and in front of this depth (decimetres): behind the ears.
    static let coronalPlane = -0.2
    /// Helper parts kept, with the part name they get.
    static let helperParts: [(group: String, part: String)] = [
        ("helper-r-eye", "eyes"), ("helper-l-eye", "eyes"),
        ("helper-upper-teeth", "teeth"), ("helper-lower-teeth", "teeth"),
        ("helper-tongue", "tongue"),
    ]
    /// The part names, in the order of their indices.
    static let partNames = ["skin", "eyes", "teeth", "tongue"]

    /// The base-mesh index of each model vertex.
    var baseIndex: [Int]
    /// The model index of each base-mesh vertex (−1 where not kept).
    var modelIndex: [Int]
    /// The triangle of the model made of base-mesh vertices (a, b, c), keyed by its sorted corners.
    var triangleOfCorners: [SIMD3<Int32>: Int]
    /// The model mesh (positions in mm, head frame).
    var mesh: TriangleMesh
    /// The origin of the head frame in base-mesh coordinates (decimetres).
    var origin: SIMD3<Double>

    /// Millimetres per base-mesh unit.
    static let millimetresPerUnit = 100.0

    init(base: MakeHumanBaseMesh, origin: SIMD3<Double>) {
        self.origin = origin
        var keptFaces: [(face: MakeHumanBaseMesh.Face, part: UInt8)] = []
        for face in base.faces {
            if face.group == "body" {
                if face.vertices.allSatisfy({ base.positions[$0].y > Self.neckPlane && base.positions[$0].z > Self.coronalPlane }) {
                    keptFaces.append((face, 0))
                }
            } else if let helper = Self.helperParts.first(where: { $0.group == face.group }) {
                keptFaces.append((face, UInt8(Self.partNames.firstIndex(of: helper.part)!)))
            }
        }
        // Vertices in order of first use (deterministic), remapped.
        var modelIndex = [Int](repeating: -1, count: base.positions.count)
        var baseIndex: [Int] = []
        var uvIndex = [Int: Int]()
        var baseUV: [Int] = []
        for (face, _) in keptFaces {
            for v in face.vertices where modelIndex[v] < 0 {
                modelIndex[v] = baseIndex.count
                baseIndex.append(v)
            }
            for t in face.uvs where uvIndex[t] == nil {
                uvIndex[t] = baseUV.count
                baseUV.append(t)
            }
        }
        // Triangulate each quad (a, b, c, d) as (a, b, c) and (a, c, d); triangles stay as they are.
        var triangles: [SIMD3<UInt32>] = []
        var uvTriangles: [SIMD3<UInt32>] = []
        var parts: [UInt8] = []
        var triangleOfCorners: [SIMD3<Int32>: Int] = [:]
        for (face, part) in keptFaces {
            let n = face.vertices.count
            for k in 1..<(n - 1) {
                let corners = [0, k, k + 1]
                let tri = SIMD3<UInt32>(corners.map { UInt32(modelIndex[face.vertices[$0]]) })
                let key = SIMD3<Int32>(corners.map { Int32(face.vertices[$0]) }.sorted())
                triangleOfCorners[key] = triangles.count
                triangles.append(tri)
                if face.uvs.count == n {
                    uvTriangles.append(SIMD3<UInt32>(corners.map { UInt32(uvIndex[face.uvs[$0]]!) }))
                } else {
                    uvTriangles.append(SIMD3(0, 0, 0))
                }
                parts.append(part)
            }
        }
        let positions = baseIndex.map { i -> SIMD3<Float> in
            SIMD3<Float>((base.positions[i] - origin) * Self.millimetresPerUnit)
        }
        let rawUVs = baseUV.map { SIMD2<Float>(base.uvs[$0]) }
        self.baseIndex = baseIndex
        self.modelIndex = modelIndex
        self.triangleOfCorners = triangleOfCorners
        self.mesh = TriangleMesh(
            positions: positions, triangles: triangles,
            uvs: UVAtlas.repack(uvs: rawUVs, uvTriangles: uvTriangles),
            uvTriangles: uvTriangles, triangleParts: parts, partNames: Self.partNames)
    }

    /// The model displacement (mm) of a base-mesh target.
    func displacement(of target: MorphTarget, scale: Double = 1) -> [SIMD3<Double>] {
        var out = [SIMD3<Double>](repeating: .zero, count: baseIndex.count)
        for (i, d) in zip(target.indices, target.deltas) {
            let m = modelIndex[Int(i)]
            if m >= 0 { out[m] += d * (Self.millimetresPerUnit * scale) }
        }
        return out
    }
}

/// Repacks UV islands into the unit square: each island (triangles connected through
/// shared UV corners) keeps its shape and the common texel density, and islands are
/// placed by bounding box on shelves, so no two islands overlap.
enum UVAtlas {
    static func repack(uvs: [SIMD2<Float>], uvTriangles: [SIMD3<UInt32>], padding: Float = 0.004) -> [SIMD2<Float>] {
        guard !uvs.isEmpty else { return [] }
        // Union-find over UV indices.
        var parent = Array(0..<uvs.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for t in uvTriangles {
            let a = find(Int(t.x)), b = find(Int(t.y)), c = find(Int(t.z))
            parent[b] = a; parent[find(c)] = find(a)
        }
        var islands: [Int: [Int]] = [:]
        for i in uvs.indices { islands[find(i), default: []].append(i) }
        struct Island { var members: [Int]; var lo: SIMD2<Float>; var size: SIMD2<Float> }
        var list: [Island] = islands.values.map { members in
            var lo = uvs[members[0]], hi = lo
            for m in members { lo = pointwiseMin(lo, uvs[m]); hi = pointwiseMax(hi, uvs[m]) }
            return Island(members: members.sorted(), lo: lo, size: hi - lo)
        }
        // Tallest first, ties by position: deterministic.
        list.sort { ($0.size.y, $0.lo.x, $0.lo.y) > ($1.size.y, $1.lo.x, $1.lo.y) }
        // Find the smallest scale at which shelf packing fits the unit square.
        func pack(_ scale: Float) -> [SIMD2<Float>]? {
            var offsets: [SIMD2<Float>] = []
            var x: Float = padding, y: Float = padding, shelf: Float = 0
            for island in list {
                let s = island.size * scale
                if x + s.x + padding > 1 { x = padding; y += shelf + padding; shelf = 0 }
                if s.x + 2 * padding > 1 { return nil }
                offsets.append(SIMD2(x, y))
                x += s.x + padding
                shelf = max(shelf, s.y)
            }
            return y + shelf + padding <= 1 ? offsets : nil
        }
        var lo: Float = 0.01, hi: Float = 100
        while pack(hi) == nil && hi > lo { hi *= 0.8 }
        if pack(hi) != nil {
            lo = hi; hi = hi * 4
            for _ in 0..<40 {
                let mid = (lo + hi) / 2
                if pack(mid) != nil { lo = mid } else { hi = mid }
            }
        }
        let scale = lo
        let offsets = pack(scale)!
        var out = uvs
        for (island, offset) in zip(list, offsets) {
            for m in island.members { out[m] = (uvs[m] - island.lo) * scale + offset }
        }
        return out
    }
}
