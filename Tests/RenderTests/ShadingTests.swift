import Foundation
import Imaging
import Mesh
import Testing
@testable import Render

@Suite("Shading")
struct ShadingTests {
    let camera = Camera.lookAt(eye: SIMD3(0, 0, 400), target: .zero, verticalFieldOfView: 30)

    @Test("a light from the front makes the sphere's centre brighter than its limb")
    func frontLighting() {
        let sphere = TestMeshes.icosphere(radius: 50, level: 3)
        let image = Renderer(settings: plainSettings(size: 128)).render(sphere, camera: camera)
        let centre = image.rgb(64, 64).x
        // The silhouette radius is about 30 px: sample just inside it.
        let limb = image.rgb(64 + 28, 64).x
        #expect(centre > 240)
        #expect(limb < centre - 60, "centre \(centre), limb \(limb)")
        #expect(limb > 0)
    }

    @Test("vertex colours tint the mesh: a red mesh renders red")
    func vertexColors() {
        let sphere = TestMeshes.colored(TestMeshes.icosphere(radius: 50, level: 3), SIMD3(1, 0, 0))
        var settings = RenderSettings(width: 96, height: 96)
        settings.background = .zero
        let image = Renderer(settings: settings).render(sphere, camera: camera)
        let centre = image.rgb(48, 48)
        #expect(centre.x > 120 && centre.x > 3 * max(centre.y, centre.z), "centre \(centre)")
        var total = SIMD3<Int>.zero
        for y in 0..<96 { for x in 0..<96 { total &+= image.rgb(x, y) } }
        #expect(total.x > 4 * total.y && total.x > 4 * total.z)
        // Without vertex colours the default skin material is not red.
        settings.useVertexColors = false
        let plain = Renderer(settings: settings).render(sphere, camera: camera).rgb(48, 48)
        #expect(plain.y > 60)
    }

    @Test("parts take their materials by name")
    func partMaterials() {
        let settings = RenderSettings()
        #expect(settings.material(forPart: "skin") == .skin)
        #expect(settings.material(forPart: "Teeth") == .teeth)
        #expect(settings.material(forPart: "left_eye") == .eye)
        #expect(settings.material(forPart: "eyebrow_right") == .hair)
        #expect(settings.material(forPart: "upper_lip") == .lips)
        #expect(settings.material(forPart: "scalp") == .skin)

        var mesh = TestMeshes.merged([
            TestMeshes.quad(x0: -40, x1: 0, y0: -20, y1: 20, z: 0),
            TestMeshes.quad(x0: 0, x1: 40, y0: -20, y1: 20, z: 0),
        ])
        mesh.colors = []
        mesh.partNames = ["red", "blue"]
        mesh.triangleParts = [0, 0, 1, 1]
        var custom = plainSettings(size: 64)
        custom.partMaterials = ["red": Material(baseColor: SIMD3(1, 0, 0), specular: 0), "blue": Material(baseColor: SIMD3(0, 0, 1), specular: 0)]
        let image = Renderer(settings: custom).render(mesh, camera: camera)
        #expect(image.rgb(24, 32) == SIMD3(255, 0, 0))
        #expect(image.rgb(40, 32) == SIMD3(0, 0, 255))
    }

    @Test("specular highlights brighten a glossy sphere")
    func specular() {
        let sphere = TestMeshes.icosphere(radius: 50, level: 3)
        var settings = plainSettings(size: 96)
        settings.defaultMaterial = Material(baseColor: SIMD3(0.2, 0.2, 0.2), specular: 0)
        let matte = Renderer(settings: settings).render(sphere, camera: camera)
        settings.defaultMaterial.specular = 0.8
        settings.defaultMaterial.shininess = 60
        let glossy = Renderer(settings: settings).render(sphere, camera: camera)
        #expect(glossy.rgb(48, 48).x > matte.rgb(48, 48).x + 50)
        // Away from the highlight the two agree.
        #expect(abs(glossy.rgb(48 + 15, 48).x - matte.rgb(48 + 15, 48).x) <= 3)
    }

    @Test("a colour map is sampled through the UVs")
    func colorMap() {
        let quad = TestMeshes.quad(x0: -30, x1: 30, y0: -30, y1: 30, z: 0)
        // Left half green, right half blue; top row (v = 1) is image row 0.
        var texture = Image(width: 8, height: 8, channels: 3)
        for y in 0..<8 { for x in 0..<8 { texture[x, y, x < 4 ? 1 : 2] = 255 } }
        var settings = plainSettings(size: 64)
        settings.colorMap = texture
        settings.lights = []
        settings.ambient = 1
        let image = Renderer(settings: settings).render(quad, camera: camera)
        #expect(image.rgb(24, 32) == SIMD3(0, 255, 0))
        #expect(image.rgb(40, 32) == SIMD3(0, 0, 255))
    }

    @Test("a flat normal map changes nothing; a tilted one turns the surface")
    func normalMap() {
        let quad = TestMeshes.quad(x0: -30, x1: 30, y0: -30, y1: 30, z: 0)
        var settings = plainSettings(size: 64)
        let plain = Renderer(settings: settings).render(quad, camera: camera)
        settings.normalMap = Image16(width: 4, height: 4, channels: 3, samples: [UInt16](repeating: 0, count: 48).enumerated().map { $0.offset % 3 == 2 ? 65535 : 32768 })
        let flat = Renderer(settings: settings).render(quad, camera: camera)
        #expect(zip(plain.pixels, flat.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
        // Tilt the normals towards +u (+x) and light from +x: brighter than with a flat map.
        var tilted = Image16(width: 4, height: 4, channels: 3)
        let n = simd_normalize(SIMD3<Float>(0.6, 0, 0.8))
        for i in 0..<16 {
            for c in 0..<3 { tilted.samples[i * 3 + c] = UInt16(((n[c] + 1) / 2 * 65535).rounded()) }
        }
        settings.lights = [Light(direction: SIMD3(1, 0, 1))]
        settings.normalMap = tilted
        let lit = Renderer(settings: settings).render(quad, camera: camera).rgb(32, 32).x
        settings.normalMap = nil
        let unlit = Renderer(settings: settings).render(quad, camera: camera).rgb(32, 32).x
        #expect(lit > unlit + 10, "tilted \(lit), flat \(unlit)")
        // Mirror the UVs (u decreasing with x): the tangent follows, so the bump still faces +u, now -x.
        var mirrored = quad
        mirrored.uvs = quad.uvs.map { SIMD2(1 - $0.x, $0.y) }
        settings.normalMap = tilted
        let mirroredValue = Renderer(settings: settings).render(mirrored, camera: camera).rgb(32, 32).x
        #expect(mirroredValue < unlit - 10, "mirrored \(mirroredValue), flat \(unlit)")
    }

    @Test("lights can be fixed to the head instead of the camera")
    func worldLights() {
        let sphere = TestMeshes.icosphere(radius: 50, level: 3)
        var settings = plainSettings(size: 64)
        settings.lights = [Light(direction: SIMD3(0, 0, 1), space: .world)]
        let side = Camera.lookAt(eye: SIMD3(400, 0, 0), target: .zero, verticalFieldOfView: 30)
        let image = Renderer(settings: settings).render(sphere, camera: side)
        // Seen from +x, the world +z light falls on the image's left half (+z is camera-left).
        #expect(image.rgb(26, 32).x > image.rgb(38, 32).x + 50)
    }
}
