import Foundation
import Imaging
import Mesh
import Testing
@testable import Render

/// Render timing, run by hand (never asserted):
///
///     swift build -c release --build-tests -Xswiftc -enable-testing
///     FACEATLAS_RENDER_BENCH=1 taskset -c 0 swift test -c release -Xswiftc -enable-testing \
///         --skip-build --filter RenderBenchmark
///
/// Set FACEATLAS_RENDER_BENCH_OUTPUT to a folder to also write the three standard views as PNG.
@Suite("RenderBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["FACEATLAS_RENDER_BENCH"] != nil))
struct RenderBenchmark {
    @Test("512×512 render of a 10,000-triangle head", arguments: [(2, false), (1, false), (2, true), (3, false)])
    func timing(supersampling: Int, perSample: Bool) throws {
        let mesh = TestMeshes.faceLike()
        var settings = RenderSettings(width: 512, height: 512, supersampling: supersampling)
        settings.shadePerSample = perSample
        let renderer = Renderer(settings: settings)
        let camera = renderer.camera(for: mesh, view: .threeQuarter)
        _ = renderer.render(mesh, camera: camera)
        var times: [Double] = []
        for _ in 0..<25 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = renderer.render(mesh, camera: camera)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        print(String(format: "RenderBenchmark: %d triangles, 512x512, supersampling %d%@: median %.1f ms (min %.1f, max %.1f)",
                     mesh.triangleCount, supersampling, perSample ? " per sample" : "", times[times.count / 2], times[0], times.last!))
        if let folder = ProcessInfo.processInfo.environment["FACEATLAS_RENDER_BENCH_OUTPUT"], supersampling == 2, !perSample {
            let views = renderer.renderViews(mesh)
            var row: [Image] = []
            for view in StandardView.allCases {
                var image = views[view]!
                image.drawText(view.rawValue, x: 10, y: 10, scale: 3, color: [20, 20, 20])
                row.append(image)
            }
            try PNG.write(Image.tiled([row], gap: 8), to: URL(fileURLWithPath: folder).appendingPathComponent("views.png"))
        }
    }
}
