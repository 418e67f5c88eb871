import Mesh

/// The per-render data a `Shader` reads, converted once from the mesh and settings: view-space
/// normals and lights, linear vertex colours, validated UVs, per-triangle tangents and
/// material indices. Owns the buffers the shader points into.
final class ShaderScene {
    let viewPositions: PixelBuffer<SIMD3<Float>>
    let normals: PixelBuffer<SIMD3<Float>>
    let triangles: PixelBuffer<SIMD3<UInt32>>
    let colors: PixelBuffer<SIMD3<Float>>?
    let uvs: PixelBuffer<SIMD2<Float>>?
    let uvTriangles: PixelBuffer<SIMD3<UInt32>>?
    let tangents: PixelBuffer<SIMD4<Float>>?
    let materialIndex: PixelBuffer<UInt16>
    let materials: PixelBuffer<Material>
    let lights: PixelBuffer<Shader.ViewLight>
    let shader: Shader

    init(mesh: TriangleMesh, settings: RenderSettings, camera: Camera, viewPositions: PixelBuffer<SIMD3<Float>>) {
        let projection = Projection(camera: camera, width: 1, height: 1)
        let vertexCount = mesh.vertexCount
        self.viewPositions = viewPositions
        // Only triangles with valid indices reach the shader, so these need no further checks.
        triangles = PixelBuffer(mesh.triangles)

        let worldNormals = mesh.normals.count == vertexCount ? mesh.normals : ShaderScene.vertexNormals(mesh)
        normals = PixelBuffer(worldNormals.map { simd_normalize(projection.directionToView($0)) })

        colors = settings.useVertexColors && mesh.colors.count == vertexCount ? PixelBuffer(mesh.colors) : nil

        let colorMap = TextureSampler.ColorMap(settings.colorMap)
        let normalMap = TextureSampler.NormalMap(settings.normalMap)
        let textured = (colorMap != nil || normalMap != nil) && !mesh.uvs.isEmpty
            && mesh.uvTriangles.count == mesh.triangles.count
        if textured {
            let limit = UInt32(clamping: mesh.uvs.count)
            uvs = PixelBuffer(mesh.uvs)
            uvTriangles = PixelBuffer(mesh.uvTriangles.map { $0.x < limit && $0.y < limit && $0.z < limit ? $0 : .zero })
        } else {
            uvs = nil
            uvTriangles = nil
        }
        if textured, normalMap != nil {
            let positions = viewPositions.pointer
            tangents = PixelBuffer(zip(mesh.triangles, mesh.uvTriangles).map { tri, ut in
                guard tri.x < UInt32(vertexCount), tri.y < UInt32(vertexCount), tri.z < UInt32(vertexCount),
                      max(ut.x, ut.y, ut.z) < UInt32(mesh.uvs.count) else { return .zero }
                return ShaderScene.tangent(
                    positions[Int(tri.x)], positions[Int(tri.y)], positions[Int(tri.z)],
                    mesh.uvs[Int(ut.x)], mesh.uvs[Int(ut.y)], mesh.uvs[Int(ut.z)])
            })
        } else {
            tangents = nil
        }

        // Materials: one per part name, then the default.
        var table = mesh.partNames.map { settings.material(forPart: $0) }
        table.append(settings.defaultMaterial)
        materials = PixelBuffer(table)
        let fallback = UInt16(clamping: table.count - 1)
        if mesh.triangleParts.count == mesh.triangles.count {
            materialIndex = PixelBuffer(mesh.triangleParts.map { Int($0) < mesh.partNames.count ? UInt16($0) : fallback })
        } else {
            materialIndex = PixelBuffer(repeating: fallback, count: mesh.triangles.count)
        }

        lights = PixelBuffer(settings.lights.compactMap { light -> Shader.ViewLight? in
            let d = light.space == .camera ? light.direction : projection.directionToView(light.direction)
            guard simd_length(d) > 0 else { return nil }
            return Shader.ViewLight(direction: simd_normalize(d), radiance: light.color * light.intensity)
        })

        shader = Shader(
            positions: viewPositions.pointer, normals: normals.pointer, triangles: triangles.pointer,
            colors: colors.map { UnsafePointer($0.pointer) }, uvs: uvs.map { UnsafePointer($0.pointer) },
            uvTriangles: uvTriangles.map { UnsafePointer($0.pointer) },
            tangents: tangents.map { UnsafePointer($0.pointer) },
            materialIndex: materialIndex.pointer, materials: materials.pointer,
            lights: lights.pointer, lightCount: lights.count, ambient: settings.ambient,
            colorMap: colorMap, normalMap: normalMap, twoSided: !settings.cullBackFaces)
    }

    /// Area-weighted vertex normals, like `TriangleMesh.vertexNormals()` but skipping triangles
    /// with out-of-range indices (which the rasterizer skips too).
    static func vertexNormals(_ mesh: TriangleMesh) -> [SIMD3<Float>] {
        let count = mesh.vertexCount, limit = UInt32(clamping: count)
        var sums = [SIMD3<Float>](repeating: .zero, count: count)
        mesh.positions.withUnsafeBufferPointer { p in
            sums.withUnsafeMutableBufferPointer { n in
                for t in mesh.triangles where t.x < limit && t.y < limit && t.z < limit {
                    let a = Int(t.x), b = Int(t.y), c = Int(t.z)
                    let face = simd_cross(p[b] - p[a], p[c] - p[a])
                    n[a] += face; n[b] += face; n[c] += face
                }
            }
        }
        return sums
    }

    /// The tangent (direction of increasing u) of a triangle and its handedness (±1: whether
    /// the direction of increasing v is normal × tangent or its opposite).
    static func tangent(
        _ p0: SIMD3<Float>, _ p1: SIMD3<Float>, _ p2: SIMD3<Float>,
        _ t0: SIMD2<Float>, _ t1: SIMD2<Float>, _ t2: SIMD2<Float>
    ) -> SIMD4<Float> {
        let e1 = p1 - p0, e2 = p2 - p0
        let d1 = t1 - t0, d2 = t2 - t0
        let det = d1.x * d2.y - d2.x * d1.y
        let face = simd_cross(e1, e2)
        guard abs(det) > 1e-20, simd_length(face) > 0 else { return .zero }
        let r = 1 / det
        let tangent = simd_normalize((e1 * d2.y - e2 * d1.y) * r)
        let bitangent = (e2 * d1.x - e1 * d2.x) * r
        let handedness: Float = simd_dot(simd_cross(face, tangent), bitangent) < 0 ? -1 : 1
        return SIMD4(tangent.x, tangent.y, tangent.z, handedness)
    }
}
