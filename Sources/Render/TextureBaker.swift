import Imaging
import Mesh

/// Bakes per-vertex colours into a UV-space colour map (for formats such as OBJ that carry
/// textures but no vertex colours).
public enum TextureBaker {
    /// A `size` × `size` sRGB texture of `mesh`'s vertex colours (linear RGB), interpolated over each
    /// UV triangle; texels no triangle covers take the colour of a covered neighbour within `padding`
    /// texels (so bilinear filtering at UV seams does not pull in the background), else `background`.
    /// Row 0 is the top of the image (v = 1), as image files store it.
    public static func bake(_ mesh: TriangleMesh, colors: [SIMD3<Float>], size: Int, padding: Int = 4,
                            background: SIMD3<Float> = SIMD3(0.5, 0.5, 0.5)) -> Image {
        precondition(colors.count == mesh.vertexCount && mesh.hasUVs)
        var texels = [SIMD3<Float>](repeating: .zero, count: size * size)
        var covered = [Bool](repeating: false, count: size * size)
        let s = Float(size)
        for (t, tri) in mesh.triangles.enumerated() {
            let ut = mesh.uvTriangles[t]
            let p = [ut.x, ut.y, ut.z].map { i -> SIMD2<Float> in
                let uv = mesh.uvs[Int(i)]
                return SIMD2(uv.x * s - 0.5, (1 - uv.y) * s - 0.5)
            }
            let c = [tri.x, tri.y, tri.z].map { colors[Int($0)] }
            let area = (p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (p[1].y - p[0].y)
            guard abs(area) > 1e-12 else { continue }
            let x0 = max(Int(min(p[0].x, p[1].x, p[2].x).rounded(.down)), 0)
            let x1 = min(Int(max(p[0].x, p[1].x, p[2].x).rounded(.up)), size - 1)
            let y0 = max(Int(min(p[0].y, p[1].y, p[2].y).rounded(.down)), 0)
            let y1 = min(Int(max(p[0].y, p[1].y, p[2].y).rounded(.up)), size - 1)
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let q = SIMD2(Float(x), Float(y))
                    let w0 = ((p[1].x - q.x) * (p[2].y - q.y) - (p[2].x - q.x) * (p[1].y - q.y)) / area
                    let w1 = ((p[2].x - q.x) * (p[0].y - q.y) - (p[0].x - q.x) * (p[2].y - q.y)) / area
                    let w2 = 1 - w0 - w1
                    guard w0 >= -1e-4, w1 >= -1e-4, w2 >= -1e-4 else { continue }
                    texels[y * size + x] = w0 * c[0] + w1 * c[1] + w2 * c[2]
                    covered[y * size + x] = true
                }
            }
        }
        // Grow covered texels outwards, one ring per pass.
        for _ in 0..<padding {
            var next = covered
            for y in 0..<size {
                for x in 0..<size where !covered[y * size + x] {
                    var sum = SIMD3<Float>.zero, n: Float = 0
                    for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                        let xx = x + dx, yy = y + dy
                        guard xx >= 0, yy >= 0, xx < size, yy < size, covered[yy * size + xx] else { continue }
                        sum += texels[yy * size + xx]
                        n += 1
                    }
                    if n > 0 {
                        texels[y * size + x] = sum / n
                        next[y * size + x] = true
                    }
                }
            }
            covered = next
        }
        var image = Image(width: size, height: size, channels: 3)
        for i in 0..<(size * size) {
            let linear = covered[i] ? texels[i] : background
            for c in 0..<3 {
                image.pixels[3 * i + c] = UInt8((ColorSpace.sRGBEncode(min(max(linear[c], 0), 1)) * 255).rounded())
            }
        }
        return image
    }
}
