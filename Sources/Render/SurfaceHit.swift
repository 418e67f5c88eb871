import Mesh

/// The visible surface point under an image position: a triangle of the mesh and the
/// barycentric coordinates of the point on it.
public struct SurfaceHit: Sendable, Equatable {
    /// Index of the triangle.
    public var triangle: Int
    /// Barycentric coordinates on that triangle (perspective-correct), summing to 1.
    public var barycentric: SIMD3<Float>
}

extension Renderer {
    /// The visible surface points of `mesh` seen by `camera` under `pixels` (x right, y down, in output
    /// pixels as `Camera.project` gives them): the z-buffered nearest front-facing triangle at the
    /// nearest visibility sample; nil where a position shows no surface or lies outside the image.
    public func surfaceHits(_ mesh: TriangleMesh, camera: Camera, at pixels: [SIMD2<Float>]) -> [SurfaceHit?] {
        let k = samplesPerAxis
        let (buffer, _) = visibility(mesh, camera: camera)
        let tri = buffer.triangle.pointer, bary = buffer.barycentric.pointer
        return pixels.map { p in
            guard p.x.isFinite, p.y.isFinite else { return nil }
            let sx = Int((p.x * Float(k)).rounded(.down)), sy = Int((p.y * Float(k)).rounded(.down))
            guard sx >= 0, sy >= 0, sx < buffer.width, sy < buffer.height else { return nil }
            let i = sy * buffer.width + sx
            guard tri[i] >= 0 else { return nil }
            let b = bary[i]
            return SurfaceHit(triangle: Int(tri[i]), barycentric: SIMD3(1 - b.x - b.y, b.x, b.y))
        }
    }
}
