/// Per-vertex colours that make a model read as a face in renders and exports: skin, redder
/// lips inside the lip contours, white eyeballs with an iris and pupil where they face forward,
/// ivory teeth and a pink tongue. Works from parts and landmarks, so it suits any model.
public enum FaceAppearance {
    /// Linear-RGB colours.
    public static let skin = SIMD3<Float>(0.72, 0.50, 0.40)
    public static let lips = SIMD3<Float>(0.62, 0.30, 0.28)
    public static let sclera = SIMD3<Float>(0.80, 0.78, 0.74)
    public static let iris = SIMD3<Float>(0.18, 0.11, 0.06)
    public static let pupil = SIMD3<Float>(0.02, 0.02, 0.02)
    public static let teeth = SIMD3<Float>(0.78, 0.74, 0.62)
    public static let tongue = SIMD3<Float>(0.60, 0.28, 0.30)

    /// Colours for the model's neutral face.
    public static func colors(for model: FaceModel) -> [SIMD3<Float>] {
        let mesh = model.mesh
        let landmarks = model.landmarkPositions()
        var partOfVertex = [Int](repeating: 0, count: mesh.vertexCount)
        for (t, tri) in mesh.triangles.enumerated() where !mesh.triangleParts.isEmpty {
            for c in 0..<3 { partOfVertex[Int(tri[c])] = Int(mesh.triangleParts[t]) }
        }
        func part(_ name: String) -> Int? { mesh.partNames.firstIndex(of: name) }
        let eyes = part("eyes"), teethPart = part("teeth"), tonguePart = part("tongue")
        // Eyeball centres: mean of each eye part's vertices on either side.
        var centres: [SIMD3<Float>] = [.zero, .zero]
        var counts: [Float] = [0, 0]
        for v in 0..<mesh.vertexCount where eyes != nil && partOfVertex[v] == eyes && !mesh.triangleParts.isEmpty {
            let s = mesh.positions[v].x > 0 ? 1 : 0
            centres[s] += mesh.positions[v]; counts[s] += 1
        }
        for s in 0..<2 where counts[s] > 0 { centres[s] /= counts[s] }
        // Lip polygon in the frontal plane: outer lip contour 48–59.
        let lipPolygon = (48...59).map { SIMD2(landmarks[$0].x, landmarks[$0].y) }
        let lipsDefined = !landmarks[48].x.isNaN
        return (0..<mesh.vertexCount).map { v in
            let p = mesh.positions[v]
            let part = mesh.triangleParts.isEmpty ? 0 : partOfVertex[v]
            if let eyes, part == eyes {
                let c = centres[p.x > 0 ? 1 : 0]
                let d = p - c
                let cosine = d.z / max((d * d).sum().squareRoot(), 1e-6)
                if cosine > 0.97 { return pupil }
                if cosine > 0.82 { return iris }
                return sclera
            }
            if let teethPart, part == teethPart { return teeth }
            if let tonguePart, part == tonguePart { return tongue }
            if lipsDefined, p.z > landmarks[48].z - 8, contains(lipPolygon, SIMD2(p.x, p.y)) { return lips }
            return skin
        }
    }

    static func contains(_ polygon: [SIMD2<Float>], _ q: SIMD2<Float>) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a.y > q.y) != (b.y > q.y), q.x < (b.x - a.x) * (q.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }
}
