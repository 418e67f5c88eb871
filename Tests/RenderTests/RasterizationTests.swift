import Foundation
import Imaging
import Mesh
import Testing
@testable import Render

@Suite("Rasterization")
struct RasterizationTests {
    @Test("a sphere's silhouette covers π r² of the image", arguments: [1, 2, 3])
    func sphereSilhouette(supersampling: Int) {
        let radius: Float = 50, distance: Float = 400, fov: Float = 30
        let sphere = TestMeshes.icosphere(radius: radius, level: 4)
        let camera = Camera.lookAt(eye: SIMD3(0, 0, distance), target: .zero, verticalFieldOfView: fov)
        let renderer = Renderer(settings: plainSettings(size: 200, supersampling: supersampling))
        // The silhouette of a sphere is a circle of angular radius asin(r / d).
        let rho = tan(asin(radius / distance)) / tan(fov * .pi / 360)  // in half-image units
        let expected = Float.pi * rho * rho / 4
        let covered = renderer.depthAndCoverage(sphere, camera: camera).coveredFraction
        #expect(abs(covered - expected) / expected < 0.03, "covered \(covered), expected \(expected)")
        let image = renderer.render(sphere, camera: camera)
        let drawn = Float(image.count(notEqualTo: .zero)) / Float(image.width * image.height)
        #expect(abs(drawn - expected) / expected < 0.05, "drawn \(drawn), expected \(expected)")
    }

    @Test("a nearer triangle hides a farther one whatever the drawing order")
    func depthTest() {
        let near = TestMeshes.colored(TestMeshes.quad(x0: -20, x1: 20, y0: -20, y1: 20, z: 10), SIMD3(1, 0, 0))
        let far = TestMeshes.colored(TestMeshes.quad(x0: -40, x1: 40, y0: -40, y1: 40, z: -10), SIMD3(0, 1, 0))
        let camera = Camera.lookAt(eye: SIMD3(0, 0, 300), target: .zero, verticalFieldOfView: 30)
        let renderer = Renderer(settings: plainSettings(size: 64))
        for mesh in [TestMeshes.merged([near, far]), TestMeshes.merged([far, near])] {
            let image = renderer.render(mesh, camera: camera)
            let centre = image.rgb(32, 32)
            #expect(centre.x > 200 && centre.y == 0, "centre \(centre)")
            let side = image.rgb(32, 20)
            #expect(side.y > 200 && side.x == 0, "outer ring \(side)")
        }
        let depth = renderer.depthAndCoverage(TestMeshes.merged([far, near]), camera: camera)
        #expect(abs(depth.depth[32 * 64 + 32] - 290) < 0.01)
        #expect(abs(depth.depth[20 * 64 + 32] - 310) < 0.01)
        #expect(depth.depth[0] == .infinity)
    }

    @Test("back faces are culled, and drawn when culling is off")
    func backFaceCulling() {
        let facing = TestMeshes.quad(x0: -20, x1: 20, y0: -20, y1: 20, z: 0)
        var away = facing
        away.triangles = facing.triangles.map { SIMD3($0.x, $0.z, $0.y) }
        let camera = Camera.lookAt(eye: SIMD3(0, 0, 200), target: .zero)
        var settings = plainSettings(size: 48)
        #expect(Renderer(settings: settings).render(facing, camera: camera).count(notEqualTo: .zero) > 0)
        #expect(Renderer(settings: settings).render(away, camera: camera).count(notEqualTo: .zero) == 0)
        settings.cullBackFaces = false
        let twoSided = Renderer(settings: settings).render(away, camera: camera)
        // Lit from the visible side, so as bright as the front face.
        #expect(twoSided.rgb(24, 24).x > 200)
        // The inside of a closed box is never seen from outside.
        let box = TestMeshes.box(size: SIMD3(60, 60, 60))
        let culled = Renderer(settings: plainSettings(size: 48)).depthAndCoverage(box, camera: camera)
        #expect(abs(culled.depth[24 * 48 + 24] - 170) < 0.01)
    }

    @Test("shared edges leave no gaps")
    func watertight() {
        // A fan of thin triangles around the centre, covering a disc: every interior sample must be hit.
        var positions: [SIMD3<Float>] = [.zero]
        var triangles: [SIMD3<UInt32>] = []
        let n = 97
        for i in 0..<n {
            let a = Float(i) / Float(n) * 2 * .pi
            positions.append(SIMD3(cos(a) * 40, sin(a) * 40, 0))
            triangles.append(SIMD3(0, UInt32(1 + i), UInt32(1 + (i + 1) % n)))
        }
        let fan = TriangleMesh(positions: positions, triangles: triangles)
        let camera = Camera.lookAt(eye: SIMD3(0, 0, 300), target: .zero, verticalFieldOfView: 20)
        let result = Renderer(settings: plainSettings(size: 101, supersampling: 1)).depthAndCoverage(fan, camera: camera)
        for y in 30...70 { for x in 30...70 { #expect(result.coverage[y * 101 + x] == 1, "hole at \(x), \(y)") } }
    }

    @Test("triangles crossing the near plane are clipped, not dropped")
    func nearPlaneClipping() {
        // A floor reaching from far in front of the camera to behind it.
        let floor = TriangleMesh(
            positions: [SIMD3(-500, -20, -1000), SIMD3(500, -20, -1000), SIMD3(500, -20, 500), SIMD3(-500, -20, 500)],
            triangles: [SIMD3(0, 3, 2), SIMD3(0, 2, 1)])
        let camera = Camera.lookAt(eye: .zero, target: SIMD3(0, 0, -100), verticalFieldOfView: 60, near: 1, far: 5000)
        let result = Renderer(settings: plainSettings(size: 64)).depthAndCoverage(floor, camera: camera)
        // The bottom rows see the floor right up to the image edge; the top half sees sky.
        #expect(result.coverage[63 * 64 + 0] == 1 && result.coverage[63 * 64 + 63] == 1)
        #expect(result.coverage[10 * 64 + 32] == 0)
        #expect(result.depth[63 * 64 + 32] < 60)
    }

    @Test("attributes are interpolated with perspective correction")
    func perspectiveCorrect() {
        // A floor strip receding from the camera, red at the near end and blue at the far end.
        let strip = TriangleMesh(
            positions: [SIMD3(-30, -20, 50), SIMD3(30, -20, 50), SIMD3(30, -20, -400), SIMD3(-30, -20, -400)],
            triangles: [SIMD3(0, 1, 2), SIMD3(0, 2, 3)],
            colors: [SIMD3(1, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 0, 1), SIMD3(0, 0, 1)])
        let camera = Camera.lookAt(eye: SIMD3(0, 40, 150), target: SIMD3(0, -20, -100), verticalFieldOfView: 50)
        var settings = plainSettings(size: 128)
        settings.lights = []
        settings.ambient = 1
        let image = Renderer(settings: settings).render(strip, camera: camera)
        // The 3D midpoint of the strip is half red, half blue (0.5 linear → 188 sRGB).
        let mid = camera.project(SIMD3(0, -20, -175), width: 128, height: 128)!
        let pixel = image.rgb(Int(mid.x), Int(mid.y))
        #expect(abs(pixel.x - 188) <= 6 && abs(pixel.z - 188) <= 6, "midpoint \(pixel)")
    }

    @Test("supersampling anti-aliases edges")
    func antialiasing() {
        let quad = TestMeshes.quad(x0: -20, x1: 20, y0: -20, y1: 20, z: 0)
        let camera = Camera.lookAt(eye: SIMD3(0, 0, 200), target: .zero, up: SIMD3(0.3, 1, 0))
        func levels(_ k: Int) -> Set<UInt8> {
            var settings = plainSettings(size: 64, supersampling: k)
            settings.lights = []
            settings.ambient = 1
            return Set(Renderer(settings: settings).render(quad, camera: camera).pixels)
        }
        #expect(levels(1) == [0, 255])
        #expect(levels(4).count > 8)
    }

    @Test("an empty mesh renders only the background")
    func emptyMesh() {
        var settings = RenderSettings(width: 40, height: 30)
        settings.background = SIMD3(0.2, 0.5, 1)
        let image = Renderer(settings: settings).render(TriangleMesh(positions: [], triangles: []),
                                                        camera: Camera.lookAt(eye: SIMD3(0, 0, 100), target: .zero))
        #expect(image.width == 40 && image.height == 30 && image.channels == 3)
        let expected = SIMD3(124, 188, 255)  // sRGB of 0.2, 0.5, 1
        #expect(image.count(notEqualTo: expected) == 0, "\(image.rgb(0, 0))")
    }

    @Test("invalid triangle indices are skipped, not crashed on")
    func invalidIndices() {
        let mesh = TriangleMesh(positions: [SIMD3(0, 0, 0), SIMD3(10, 0, 0), SIMD3(0, 10, 0)],
                                triangles: [SIMD3(0, 1, 2), SIMD3(0, 1, 7)])
        let image = Renderer(settings: plainSettings(size: 32)).render(mesh, camera: Camera.lookAt(eye: SIMD3(0, 0, 100), target: .zero))
        #expect(image.count(notEqualTo: .zero) > 0)
    }
}
