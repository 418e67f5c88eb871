import FaceModel
import Imaging
import Mesh
import Render

/// The wrinkle detail of a face: the model's per-action-unit displacement maps blended in UV space by
/// the face's intensities (each map weighted by the stronger side of its AU), as a 16-bit displacement
/// map, a tangent-space normal map, or displacement baked into a subdivided mesh.
public struct WrinkleDetail: Sendable {
    /// Millimetres per displacement-map unit away from 32768 (±16 mm range).
    public static let millimetresPerUnit: Float = 0.0005

    /// Displacement along the surface normal (mm), `size` × `size` texels, row 0 at v = 1.
    public let displacement: [Float]
    public let size: Int
    let model: FaceModel
    let parameters: FaceParameters

    /// The detail for `parameters`, or nil when no wrinkle-producing action unit is active.
    public init?(model: FaceModel, parameters: FaceParameters) throws {
        guard let (values, size) = try FaceRendering.wrinkleDisplacement(model: model, parameters: parameters), size > 0 else { return nil }
        self.displacement = values
        self.size = size
        self.model = model
        self.parameters = parameters
    }

    /// The deepest furrow and highest ridge (mm).
    public var range: (min: Float, max: Float) { (displacement.min() ?? 0, displacement.max() ?? 0) }

    /// A 16-bit greyscale displacement map: 32768 is the surface, each unit `millimetresPerUnit` along the normal.
    public func displacementMap() -> Image16 {
        var image = Image16(width: size, height: size, channels: 1)
        for i in 0..<(size * size) {
            let v = (32768 + displacement[i] / WrinkleDetail.millimetresPerUnit).rounded()
            image.samples[i] = UInt16(min(max(v, 0), 65535))
        }
        return image
    }

    /// The tangent-space normal map (16-bit RGB, OpenGL convention).
    public func normalMap() throws -> Image16? {
        try FaceRendering.wrinkleNormalMap(model: model, parameters: parameters)
    }

    /// The displacement (mm) at a UV coordinate, bilinearly interpolated.
    public func displacement(at uv: SIMD2<Float>) -> Float {
        let x = min(max(uv.x * Float(size) - 0.5, 0), Float(size - 1))
        let y = min(max((1 - uv.y) * Float(size) - 0.5, 0), Float(size - 1))
        let x0 = Int(x), y0 = Int(y), x1 = min(x0 + 1, size - 1), y1 = min(y0 + 1, size - 1)
        let fx = x - Float(x0), fy = y - Float(y0)
        let top = displacement[y0 * size + x0] * (1 - fx) + displacement[y0 * size + x1] * fx
        let bottom = displacement[y1 * size + x0] * (1 - fx) + displacement[y1 * size + x1] * fx
        return top * (1 - fy) + bottom * fy
    }

    /// `mesh` (the face with `parameters`, with UVs) subdivided `levels` times with the displacement
    /// moved into its vertices along their normals, for formats that carry no maps.
    public func baked(into mesh: TriangleMesh, levels: Int = 2) -> TriangleMesh {
        var fine = mesh.subdivided(levels: levels)
        guard fine.hasUVs else { return fine }
        var uvOfVertex = [Int32](repeating: -1, count: fine.vertexCount)
        for (t, tri) in fine.triangles.enumerated() {
            let ut = fine.uvTriangles[t]
            for k in 0..<3 where uvOfVertex[Int(tri[k])] < 0 { uvOfVertex[Int(tri[k])] = Int32(ut[k]) }
        }
        let normals = fine.vertexNormals()
        for v in 0..<fine.vertexCount where uvOfVertex[v] >= 0 {
            let d = displacement(at: fine.uvs[Int(uvOfVertex[v])])
            if d != 0 { fine.positions[v] += d * normals[v] }
        }
        fine.normals = fine.vertexNormals()
        return fine
    }
}
