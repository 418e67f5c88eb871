import Mesh
import Testing
@testable import Render

@Suite("Surface hits")
struct SurfaceHitTests {
    /// A point projected into the image is traced back to the visible surface under it: the nearer quad where
    /// the two overlap, the farther one around it, nothing off the mesh or off the image; the barycentric
    /// coordinates give the point back to within a visibility sample.
    @Test("image positions trace back to the visible surface point")
    func hitsReconstructVisiblePoints() {
        let near = TestMeshes.quad(x0: -20, x1: 20, y0: -20, y1: 20, z: 10)
        let far = TestMeshes.quad(x0: -40, x1: 40, y0: -40, y1: 40, z: -10)
        let mesh = TestMeshes.merged([near, far])
        let camera = Camera.lookAt(eye: SIMD3(30, 20, 300), target: .zero, verticalFieldOfView: 30)
        let size = 256
        let renderer = Renderer(settings: plainSettings(size: size))
        let targets: [SIMD3<Float>] = [SIMD3(5, -7, 10), SIMD3(-13, 16, 10), SIMD3(-35, 30, -10), SIMD3(36, -36, -10)]
        let pixels = targets.map { p -> SIMD2<Float> in
            let q = camera.project(p, width: size, height: size)!
            return SIMD2(q.x, q.y)
        }
        // Beside the meshes, off the image, and not a number.
        let misses: [SIMD2<Float>] = [SIMD2(2, 2), SIMD2(-5, 100), SIMD2(100, Float(size) + 3), SIMD2(.nan, 10)]
        let hits = renderer.surfaceHits(mesh, camera: camera, at: pixels + misses)
        // One pixel at the quads' depth is about 2·300·tan(15°)/256 ≈ 0.63 mm; a hit is within a sample of it.
        for (k, target) in targets.enumerated() {
            guard let hit = hits[k] else { Issue.record("no hit at \(target)"); continue }
            #expect(abs(hit.barycentric.sum() - 1) < 1e-5 && hit.barycentric.min() >= -1e-5)
            #expect((k < 2) == (hit.triangle < 2), "point \(k) on triangle \(hit.triangle)")
            let f = mesh.triangles[hit.triangle]
            let p = mesh.positions[Int(f.x)] * hit.barycentric.x + mesh.positions[Int(f.y)] * hit.barycentric.y
                + mesh.positions[Int(f.z)] * hit.barycentric.z
            let d = p - target
            #expect((d * d).sum().squareRoot() < 0.6, "point \(k): \(p) for \(target)")
        }
        #expect(hits[4...].allSatisfy { $0 == nil })
        // The far quad's centre lies behind the near quad: the hit is on the near one.
        let centre = camera.project(SIMD3(0, 0, -10), width: size, height: size)!
        #expect(renderer.surfaceHits(mesh, camera: camera, at: [SIMD2(centre.x, centre.y)])[0].map { $0.triangle < 2 } == true)
    }
}
