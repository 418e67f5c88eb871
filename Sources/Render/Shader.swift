import Mesh

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lighting of one surface point: Lambert diffuse plus Blinn-Phong specular from each
/// directional light, plus ambient, on smooth per-vertex normals, optionally perturbed by a
/// tangent-space normal map, with the base colour from the part's material, the colour map
/// and the per-vertex colours.
///
/// Works in view space (camera at the origin, looking down −z). Holds raw pointers into
/// buffers that the owning render keeps alive for the shader's lifetime.
struct Shader {
    /// A light in view space: unit direction towards it and colour × intensity.
    struct ViewLight {
        var direction: SIMD3<Float>
        var radiance: SIMD3<Float>
    }

    let positions: UnsafePointer<SIMD3<Float>>
    let normals: UnsafePointer<SIMD3<Float>>
    let triangles: UnsafePointer<SIMD3<UInt32>>
    let colors: UnsafePointer<SIMD3<Float>>?
    let uvs: UnsafePointer<SIMD2<Float>>?
    let uvTriangles: UnsafePointer<SIMD3<UInt32>>?
    /// Per triangle, view-space tangent (xyz) and handedness (w); only with a normal map.
    let tangents: UnsafePointer<SIMD4<Float>>?
    let materialIndex: UnsafePointer<UInt16>
    let materials: UnsafePointer<Material>
    let lights: UnsafePointer<ViewLight>
    let lightCount: Int
    let ambient: Float
    let colorMap: TextureSampler.ColorMap?
    let normalMap: TextureSampler.NormalMap?
    let twoSided: Bool

    /// The linear RGB radiance towards the camera from triangle `t` at barycentric (b1, b2).
    @inline(__always)
    func shade(triangle t: Int, _ b: SIMD2<Float>) -> SIMD3<Float> {
        let tri = triangles[t]
        let i0 = Int(tri.x), i1 = Int(tri.y), i2 = Int(tri.z)
        let b0 = 1 - b.x - b.y
        let p0 = positions[i0], p1 = positions[i1], p2 = positions[i2]
        let point = p0 * b0 + p1 * b.x + p2 * b.y
        let toEye = simd_normalize(-point)
        var normal = normals[i0] * b0 + normals[i1] * b.x + normals[i2] * b.y
        if twoSided || simd_dot(normal, normal) < 1e-12 {
            let face = simd_cross(p1 - p0, p2 - p0)
            if simd_dot(normal, normal) < 1e-12 { normal = face }
            if twoSided && simd_dot(face, toEye) < 0 { normal = -normal }
        }
        normal = simd_normalize(normal)

        let material = materials[Int(materialIndex[t])]
        var albedo = material.baseColor
        if let uvs, let uvTriangles, colorMap != nil || normalMap != nil {
            let ut = uvTriangles[t]
            let uv = uvs[Int(ut.x)] * b0 + uvs[Int(ut.y)] * b.x + uvs[Int(ut.z)] * b.y
            if let colorMap { albedo = colorMap.sample(uv) }
            if let normalMap, let tangents {
                let frame = tangents[t]
                var tangent = SIMD3(frame.x, frame.y, frame.z)
                tangent = tangent - normal * simd_dot(normal, tangent)
                if simd_dot(tangent, tangent) > 1e-12 {
                    tangent = simd_normalize(tangent)
                    let bitangent = simd_cross(normal, tangent) * frame.w
                    let n = normalMap.sample(uv)
                    normal = simd_normalize(tangent * n.x + bitangent * n.y + normal * n.z)
                }
            }
        }
        if let colors {
            albedo *= colors[i0] * b0 + colors[i1] * b.x + colors[i2] * b.y
        }

        var result = albedo * ambient
        for l in 0..<lightCount {
            let light = lights[l]
            let diffuse = simd_dot(normal, light.direction)
            guard diffuse > 0 else { continue }
            var reflected = albedo * diffuse
            if material.specular > 0 {
                let half = simd_normalize(light.direction + toEye)
                let cosine = simd_dot(normal, half)
                if cosine > 0 { reflected += SIMD3(repeating: material.specular * pow(cosine, material.shininess)) }
            }
            result += light.radiance * reflected
        }
        return result
    }
}
