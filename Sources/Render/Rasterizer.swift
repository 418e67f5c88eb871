import Mesh

/// Scan conversion of a mesh into a `SampleBuffer`.
///
/// Each triangle is clipped against the near plane in view space, projected, snapped to a
/// fixed-point grid (1/256 sample) and filled by evaluating its three edge functions
/// incrementally over its bounding box. Integer edge functions with a consistent tie rule
/// make the fill watertight: a sample on an edge shared by two triangles belongs to exactly
/// one of them. Depth is tested on interpolated 1/depth, which is linear in screen space;
/// barycentric coordinates are corrected for perspective before they are stored.
struct Rasterizer {
    /// Sub-sample precision of the fixed-point grid.
    static let subpixelBits: Int64 = 8
    static let subpixelScale: Float = 256
    /// Triangles reaching farther than this from the image (in samples) are skipped, which keeps
    /// the 64-bit edge functions from overflowing; only a near plane far too close to the
    /// geometry produces them.
    static let guardBand: Float = 4_194_304

    let projection: Projection
    let near: Float, far: Float
    let cullBackFaces: Bool

    /// The per-vertex data rasterization needs.
    struct Vertices {
        let view: PixelBuffer<SIMD3<Float>>
        let screen: PixelBuffer<SIMD2<Float>>
        let inverseDepth: PixelBuffer<Float>
    }

    /// Transforms and projects every vertex once.
    func prepare(_ positions: [SIMD3<Float>]) -> Vertices {
        let view = PixelBuffer<SIMD3<Float>>(repeating: .zero, count: positions.count)
        let screen = PixelBuffer<SIMD2<Float>>(repeating: .zero, count: positions.count)
        let inverseDepth = PixelBuffer<Float>(repeating: 0, count: positions.count)
        for (i, p) in positions.enumerated() {
            let v = projection.toView(p)
            view.pointer[i] = v
            if -v.z >= near {
                screen.pointer[i] = projection.toScreen(v)
                inverseDepth.pointer[i] = -1 / v.z
            }
        }
        return Vertices(view: view, screen: screen, inverseDepth: inverseDepth)
    }

    /// Draws every triangle of `triangles` into `buffer`.
    func rasterize(_ triangles: [SIMD3<UInt32>], vertices: Vertices, vertexCount: Int, into buffer: SampleBuffer) {
        let view = vertices.view.pointer, screen = vertices.screen.pointer, iz = vertices.inverseDepth.pointer
        let target = Target(
            width: buffer.width, height: buffer.height, inverseDepth: buffer.inverseDepth.pointer,
            triangle: buffer.triangle.pointer, barycentric: buffer.barycentric.pointer,
            minimumInverseDepth: 1 / far, cull: cullBackFaces)
        let e0 = SIMD3<Float>(1, 0, 0), e1 = SIMD3<Float>(0, 1, 0), e2 = SIMD3<Float>(0, 0, 1)
        let limit = UInt32(clamping: vertexCount)
        for (t, tri) in triangles.enumerated() {
            guard tri.x < limit, tri.y < limit, tri.z < limit else { continue }
            let a = Int(tri.x), b = Int(tri.y), c = Int(tri.z)
            let da = -view[a].z, db = -view[b].z, dc = -view[c].z
            if da >= near && db >= near && dc >= near {
                if da > far && db > far && dc > far { continue }
                target.draw(screen[a], screen[b], screen[c], iz[a], iz[b], iz[c], e0, e1, e2, id: Int32(t))
            } else if da >= near || db >= near || dc >= near {
                drawClipped([view[a], view[b], view[c]], id: Int32(t), target: target)
            }
        }
    }

    /// Clips a triangle that crosses the near plane and draws the one or two pieces in front.
    private func drawClipped(_ corners: [SIMD3<Float>], id: Int32, target: Target) {
        let identity: [SIMD3<Float>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        var points: [SIMD3<Float>] = [], weights: [SIMD3<Float>] = []
        for i in 0..<3 {
            let j = (i + 1) % 3
            let p = corners[i], q = corners[j]
            let dp = -p.z - near, dq = -q.z - near
            if dp >= 0 { points.append(p); weights.append(identity[i]) }
            if (dp >= 0) != (dq >= 0) {
                let s = dp / (dp - dq)
                points.append(p + (q - p) * s)
                weights.append(identity[i] + (identity[j] - identity[i]) * s)
            }
        }
        guard points.count >= 3 else { return }
        let screen = points.map { projection.toScreen($0) }
        let inverse = points.map { -1 / $0.z }
        for k in 1..<(points.count - 1) {
            target.draw(screen[0], screen[k], screen[k + 1], inverse[0], inverse[k], inverse[k + 1],
                        weights[0], weights[k], weights[k + 1], id: id)
        }
    }

    /// Where triangles are drawn, and the per-triangle fill loop.
    struct Target {
        let width: Int, height: Int
        let inverseDepth: UnsafeMutablePointer<Float>
        let triangle: UnsafeMutablePointer<Int32>
        let barycentric: UnsafeMutablePointer<SIMD2<Float>>
        let minimumInverseDepth: Float
        let cull: Bool

        /// Fills one projected triangle. `s*` are screen positions in samples, `z*` inverse
        /// depths, and `o*` the barycentric coordinates of the corners on the original triangle
        /// (the unit vectors unless the triangle was clipped).
        @inline(__always)
        func draw(
            _ s0: SIMD2<Float>, _ s1In: SIMD2<Float>, _ s2In: SIMD2<Float>,
            _ z0: Float, _ z1In: Float, _ z2In: Float,
            _ o0: SIMD3<Float>, _ o1In: SIMD3<Float>, _ o2In: SIMD3<Float>, id: Int32
        ) {
            let band = Rasterizer.guardBand
            let lo = pointwiseMin(s0, pointwiseMin(s1In, s2In)), hi = pointwiseMax(s0, pointwiseMax(s1In, s2In))
            guard hi.x >= 0, hi.y >= 0, lo.x <= Float(width), lo.y <= Float(height),
                  lo.x > -band, lo.y > -band, hi.x < band, hi.y < band else { return }
            let scale = Rasterizer.subpixelScale
            let x0 = Int64((s0.x * scale).rounded()), y0 = Int64((s0.y * scale).rounded())
            var x1 = Int64((s1In.x * scale).rounded()), y1 = Int64((s1In.y * scale).rounded())
            var x2 = Int64((s2In.x * scale).rounded()), y2 = Int64((s2In.y * scale).rounded())
            var z1 = z1In, z2 = z2In, o1 = o1In, o2 = o2In
            var area = (x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0)
            if area == 0 { return }
            // With y down, a triangle counter-clockwise from outside has negative area when it
            // faces the camera. Put every triangle in positive orientation for the fill.
            if area > 0 {
                if cull { return }
            } else {
                swap(&x1, &x2); swap(&y1, &y2); swap(&z1, &z2); swap(&o1, &o2)
                area = -area
            }
            // Samples whose centres (i + 0.5) lie in the bounding box.
            let half: Int64 = 128
            let minX = max(0, Int(ceilDiv(min(x0, x1, x2) - half, 256)))
            let maxX = min(width - 1, Int(floorDiv(max(x0, x1, x2) - half, 256)))
            let minY = max(0, Int(ceilDiv(min(y0, y1, y2) - half, 256)))
            let maxY = min(height - 1, Int(floorDiv(max(y0, y1, y2) - half, 256)))
            guard minX <= maxX, minY <= maxY else { return }

            // Edge k is opposite corner k; E(p) = (b - a) × (p - a), positive inside.
            // A sample exactly on an edge belongs to the triangle whose edge direction has
            // dy > 0, or dy == 0 and dx > 0: of two triangles sharing an edge, exactly one.
            func bias(_ dx: Int64, _ dy: Int64) -> Int64 { (dy > 0 || (dy == 0 && dx > 0)) ? 0 : -1 }
            let px = Int64(minX) * 256 + half, py = Int64(minY) * 256 + half
            var row0 = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) + bias(x2 - x1, y2 - y1)
            var row1 = (x0 - x2) * (py - y2) - (y0 - y2) * (px - x2) + bias(x0 - x2, y0 - y2)
            var row2 = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) + bias(x1 - x0, y1 - y0)
            let stepX0 = (y1 - y2) * 256, stepX1 = (y2 - y0) * 256, stepX2 = (y0 - y1) * 256
            let stepY0 = (x2 - x1) * 256, stepY1 = (x0 - x2) * 256, stepY2 = (x1 - x0) * 256

            // Barycentric weights divided by depth, per unit of edge function.
            let inverseArea = 1 / Float(area)
            let w0 = z0 * inverseArea, w1 = z1 * inverseArea, w2 = z2 * inverseArea
            let minimumInverseDepth = self.minimumInverseDepth
            // The stored coordinates are b1 and b2 on the original triangle.
            let u = SIMD3<Float>(o0.y, o1.y, o2.y), v = SIMD3<Float>(o0.z, o1.z, o2.z)

            for y in minY...maxY {
                var e0 = row0, e1 = row1, e2 = row2
                let rowBase = y * width
                for x in minX...maxX {
                    if (e0 | e1 | e2) >= 0 {
                        let q = SIMD3<Float>(Float(e0) * w0, Float(e1) * w1, Float(e2) * w2)
                        let iz = q.sum()
                        let index = rowBase + x
                        if iz > inverseDepth[index] && iz >= minimumInverseDepth {
                            inverseDepth[index] = iz
                            triangle[index] = id
                            let p = q / iz
                            barycentric[index] = SIMD2((p * u).sum(), (p * v).sum())
                        }
                    }
                    e0 += stepX0; e1 += stepX1; e2 += stepX2
                }
                row0 += stepY0; row1 += stepY1; row2 += stepY2
            }
        }
    }
}

@inline(__always)
private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always)
private func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
    -floorDiv(-a, b)
}
