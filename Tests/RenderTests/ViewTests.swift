import Foundation
import Imaging
import Mesh
import Testing
@testable import Render

@Suite("Views and output")
struct ViewTests {
    /// A head-sized box: narrow across (x), long front-to-back (z).
    let box = TestMeshes.box(size: SIMD3(60, 80, 180))

    @Test("front and profile views show the box's width and depth")
    func silhouettes() {
        let renderer = Renderer(settings: plainSettings(size: 200))
        var widths: [StandardView: Int] = [:]
        for view in [StandardView.front, .profile] {
            // A distant camera: nearly orthographic, the same scale for both views.
            let camera = Camera.lookAt(eye: view.directionToCamera * 3000, target: .zero, verticalFieldOfView: 5)
            widths[view] = renderer.render(box, camera: camera).silhouetteWidth(background: .zero)
        }
        let ratio = Float(widths[.profile]!) / Float(widths[.front]!)
        #expect(abs(ratio - 3) < 0.25, "front \(widths[.front]!), profile \(widths[.profile]!)")
    }

    @Test("standard views turn towards the subject's left")
    func standardViews() {
        #expect(StandardView.front.directionToCamera == SIMD3(0, 0, 1))
        let q = StandardView.threeQuarter.directionToCamera
        #expect(abs(q.x - sin(35 * Float.pi / 180)) < 1e-6 && q.x > 0 && abs(q.z - cos(35 * Float.pi / 180)) < 1e-6)
        #expect(abs(StandardView.profile.directionToCamera.x - 1) < 1e-6)
        #expect(StandardView(rawValue: "three-quarter") == .threeQuarter)
    }

    @Test("framing fits the whole mesh in every view")
    func framing() {
        var settings = plainSettings(size: 120)
        settings.width = 160
        let renderer = Renderer(settings: settings)
        let images = renderer.renderViews(box, views: StandardView.allCases)
        #expect(Set(images.keys) == Set(StandardView.allCases))
        for (view, image) in images {
            #expect(image.width == 160 && image.height == 120)
            var border = 0
            for x in 0..<160 { border += (image.rgb(x, 0) != .zero ? 1 : 0) + (image.rgb(x, 119) != .zero ? 1 : 0) }
            for y in 0..<120 { border += (image.rgb(0, y) != .zero ? 1 : 0) + (image.rgb(159, y) != .zero ? 1 : 0) }
            #expect(border == 0, "\(view) touches the border")
            let fraction = Float(image.count(notEqualTo: .zero)) / Float(160 * 120)
            #expect(fraction > 0.2, "\(view) fills only \(fraction)")
        }
        // The framed camera looks at the box centre from the view direction.
        let camera = renderer.camera(for: box, view: .threeQuarter)
        let direction = simd_normalize(camera.eye - camera.target)
        #expect(simd_length(direction - StandardView.threeQuarter.directionToCamera) < 1e-5)
        #expect(camera.near > 0 && camera.near < camera.far)
    }

    @Test("a rendered image survives PNG encoding exactly")
    func pngRoundTrip() throws {
        let sphere = TestMeshes.icosphere(radius: 50, level: 3)
        let image = Renderer(settings: RenderSettings(width: 64, height: 48)).render(sphere, view: .threeQuarter)
        let decoded = try PNG.decode(try PNG.encode(image), source: "render")
        #expect(decoded == image)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-render-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("sphere.png")
        try PNG.write(image, to: url)
        #expect(try PNG.read(url) == image)
    }

    @Test("per-sample shading agrees with multisampled shading")
    func shadingRates() {
        let sphere = TestMeshes.icosphere(radius: 50, level: 3)
        var settings = RenderSettings(width: 64, height: 64)
        let camera = Camera.lookAt(eye: SIMD3(0, 0, 400), target: .zero, verticalFieldOfView: 30)
        let multi = Renderer(settings: settings).render(sphere, camera: camera)
        settings.shadePerSample = true
        let perSample = Renderer(settings: settings).render(sphere, camera: camera)
        let worst = zip(multi.pixels, perSample.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 12)
    }
}
