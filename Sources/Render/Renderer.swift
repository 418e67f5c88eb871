import Imaging
import Mesh

/// A software rasterizer for face meshes.
///
/// A render has two passes. The visibility pass clips, projects and scan-converts every
/// triangle at `supersampling`× the output resolution into a buffer of nearest triangle,
/// depth and perspective-correct barycentric coordinates per sample (z-buffered, back faces
/// culled). The resolve pass shades each output pixel: by default once per distinct
/// triangle among its samples, weighted by how many samples it covers (multisampling), or
/// once per sample with `shadePerSample`; it averages in linear light and encodes sRGB.
/// Hidden surfaces are never shaded.
///
/// A renderer holds only its settings; `render` allocates its own buffers, so one renderer
/// can be used from several tasks at once.
public struct Renderer: Sendable {
    /// How images are made.
    public var settings: RenderSettings

    /// Creates a renderer with `settings`.
    public init(settings: RenderSettings = RenderSettings()) {
        self.settings = settings
    }

    /// Renders `mesh` seen by `camera`: an RGB image, 8-bit sRGB, `settings.width` × `settings.height`.
    public func render(_ mesh: TriangleMesh, camera: Camera) -> Image {
        let width = max(0, settings.width), height = max(0, settings.height)
        var image = Image(width: width, height: height, channels: 3)
        guard width > 0, height > 0 else { return image }
        let k = samplesPerAxis
        let (buffer, vertices) = visibility(mesh, camera: camera)
        let scene = ShaderScene(mesh: mesh, settings: settings, camera: camera, viewPositions: vertices.view)
        let shader = scene.shader
        let background = settings.background
        let perSample = settings.shadePerSample
        let sampleWidth = buffer.width
        let tri = buffer.triangle.pointer, bary = buffer.barycentric.pointer
        let count = k * k
        let ids = PixelBuffer<Int32>(repeating: -1, count: count)
        let coordinates = PixelBuffer<SIMD2<Float>>(repeating: .zero, count: count)
        let id = ids.pointer, bc = coordinates.pointer
        let toByte = PixelBuffer(ColorSpace.byteFromLinearTable)
        let table = toByte.pointer
        let inverseCount = 1 / Float(count)

        withExtendedLifetime(scene) {
            image.pixels.withUnsafeMutableBufferPointer { out in
                for py in 0..<height {
                    for px in 0..<width {
                        var n = 0
                        for sy in 0..<k {
                            let row = (py * k + sy) * sampleWidth + px * k
                            for sx in 0..<k {
                                id[n] = tri[row + sx]; bc[n] = bary[row + sx]; n += 1
                            }
                        }
                        var colour = SIMD3<Float>.zero
                        var empty = 0
                        if perSample {
                            for s in 0..<count {
                                if id[s] < 0 { empty += 1 } else { colour += shader.shade(triangle: Int(id[s]), bc[s]) }
                            }
                        } else {
                            for s in 0..<count {
                                let t = id[s]
                                if t == -2 { continue }
                                if t < 0 { empty += 1; continue }
                                var sum = bc[s]
                                var covered: Float = 1
                                for j in (s + 1)..<count where id[j] == t {
                                    sum += bc[j]; covered += 1; id[j] = -2
                                }
                                colour += shader.shade(triangle: Int(t), sum / covered) * covered
                            }
                        }
                        colour += background * Float(empty)
                        colour *= inverseCount
                        let o = (py * width + px) * 3
                        out[o] = ColorSpace.byte(fromLinear: colour.x, table: table)
                        out[o + 1] = ColorSpace.byte(fromLinear: colour.y, table: table)
                        out[o + 2] = ColorSpace.byte(fromLinear: colour.z, table: table)
                    }
                }
            }
        }
        withExtendedLifetime((ids, coordinates, toByte, buffer)) {}
        return image
    }

    /// Renders `mesh` from a standard viewpoint, framed by `Camera.framing`.
    public func render(_ mesh: TriangleMesh, view: StandardView, fieldOfView: Float = 20, margin: Float = 1.15) -> Image {
        render(mesh, camera: camera(for: mesh, view: view, fieldOfView: fieldOfView, margin: margin))
    }

    /// Renders `mesh` from each of `views`, each framed by `Camera.framing`.
    public func renderViews(
        _ mesh: TriangleMesh, views: [StandardView] = StandardView.allCases, fieldOfView: Float = 20,
        margin: Float = 1.15
    ) -> [StandardView: Image] {
        var images: [StandardView: Image] = [:]
        for view in views where images[view] == nil {
            images[view] = render(mesh, view: view, fieldOfView: fieldOfView, margin: margin)
        }
        return images
    }

    /// The camera `render(_:view:)` uses: `Camera.framing` with this renderer's aspect ratio.
    public func camera(for mesh: TriangleMesh, view: StandardView, fieldOfView: Float = 20, margin: Float = 1.15) -> Camera {
        Camera.framing(mesh, view: view, fieldOfView: fieldOfView, margin: margin,
                       aspectRatio: Float(max(settings.width, 1)) / Float(max(settings.height, 1)))
    }

    /// The depth and coverage of `mesh` seen by `camera`, per output pixel, without shading.
    public func depthAndCoverage(_ mesh: TriangleMesh, camera: Camera) -> DepthCoverage {
        let width = max(0, settings.width), height = max(0, settings.height)
        var result = DepthCoverage(width: width, height: height,
                                   depth: [Float](repeating: .infinity, count: width * height),
                                   coverage: [Float](repeating: 0, count: width * height))
        guard width > 0, height > 0 else { return result }
        let k = samplesPerAxis
        let (buffer, _) = visibility(mesh, camera: camera)
        let iz = buffer.inverseDepth.pointer
        for py in 0..<height {
            for px in 0..<width {
                var nearest: Float = 0, covered = 0
                for sy in 0..<k {
                    let row = (py * k + sy) * buffer.width + px * k
                    for sx in 0..<k where iz[row + sx] > 0 {
                        covered += 1
                        nearest = max(nearest, iz[row + sx])
                    }
                }
                let i = py * width + px
                result.coverage[i] = Float(covered) / Float(k * k)
                if covered > 0 { result.depth[i] = 1 / nearest }
            }
        }
        return result
    }

    /// Supersampling factor in use (clamped to 1…8).
    var samplesPerAxis: Int { min(max(settings.supersampling, 1), 8) }

    /// The visibility pass: the sample buffer and the transformed vertices.
    func visibility(_ mesh: TriangleMesh, camera: Camera) -> (SampleBuffer, Rasterizer.Vertices) {
        let k = samplesPerAxis
        let buffer = SampleBuffer(width: settings.width * k, height: settings.height * k)
        let rasterizer = Rasterizer(
            projection: Projection(camera: camera, width: buffer.width, height: buffer.height),
            near: max(camera.near, 1e-6), far: camera.far, cullBackFaces: settings.cullBackFaces)
        let vertices = rasterizer.prepare(mesh.positions)
        rasterizer.rasterize(mesh.triangles, vertices: vertices, vertexCount: mesh.vertexCount, into: buffer)
        return (buffer, vertices)
    }
}
