import Foundation
import Mesh
import Testing

/// Harmonic fields and implicit smoothing through EigenBridge.
@Suite struct MeshLaplacianTests {
    /// A deterministic noise source (SplitMix64), so failures reproduce.
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) - 0.5
        }
    }

    @Test(arguments: MeshLaplacian.Weighting.allCases)
    func harmonicFieldAlongAStripIsMonotoneBoundedAndLinear(weighting: MeshLaplacian.Weighting) throws {
        let columns = 20, rows = 3
        let strip = TestMeshes.grid(columns: columns, rows: rows, step: 2)
        var fixed: [Int: Double] = [:]
        for j in 0...rows {
            fixed[j * (columns + 1)] = 0
            fixed[j * (columns + 1) + columns] = 1
        }
        let field = try MeshLaplacian(mesh: strip, weighting: weighting).harmonicField(fixed: fixed)
        #expect(field.count == strip.vertexCount)
        for j in 0...rows {
            let row = (0...columns).map { field[j * (columns + 1) + $0] }
            for i in 1...columns { #expect(row[i] >= row[i - 1] - 1e-12, "not monotone at (\(i), \(j))") }
        }
        #expect(field.allSatisfy { $0 >= -1e-12 && $0 <= 1 + 1e-12 })
        // Cotangent weights reproduce linear functions on a flat mesh (up to the tiny weight kept on
        // the grid's diagonals, whose opposite angles are right angles); uniform ones nearly (≈ 0.045 here).
        let tolerance = weighting == .cotangent ? 1e-6 : 0.06
        let worst = strip.positions.indices.map { abs(field[$0] - Double(strip.positions[$0].x) / Double(2 * columns)) }.max()!
        #expect(worst < tolerance, "\(weighting): deviates from linear by \(worst)")
    }

    @Test func harmonicFieldOnACurvedSurfaceStaysWithinTheFixedValues() throws {
        let sphere = TestMeshes.sphere(rings: 12, segments: 16)
        let north = 0, south = sphere.vertexCount - 1
        let field = try MeshLaplacian(mesh: sphere).harmonicField(fixed: [north: 1, south: 0])
        #expect(field[north] == 1 && field[south] == 0)
        #expect(field.allSatisfy { $0 >= -1e-9 && $0 <= 1 + 1e-9 })
        // Decreasing from north to south, ring by ring.
        let byHeight = sphere.positions.indices.sorted { sphere.positions[$0].z > sphere.positions[$1].z }
        for (a, b) in zip(byHeight, byHeight.dropFirst()) where sphere.positions[a].z > sphere.positions[b].z + 1e-3 {
            #expect(field[a] >= field[b] - 1e-9)
        }
    }

    @Test(arguments: MeshLaplacian.Weighting.allCases)
    func smoothingReducesNoiseAndKeepsTheMean(weighting: MeshLaplacian.Weighting) throws {
        var plane = TestMeshes.grid(columns: 24, rows: 24, step: 1)
        var noise = Noise(state: 42)
        let z = plane.positions.indices.map { _ in noise.next() }
        for i in plane.positions.indices { plane.positions[i].z = 0 }  // the surface is the plane; z is a field on it
        let laplacian = MeshLaplacian(mesh: plane, weighting: weighting)
        let smoothed = try laplacian.smooth([z], strength: 2)[0]

        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)
        }
        #expect(variance(smoothed) < 0.2 * variance(z), "\(weighting): variance \(variance(z)) → \(variance(smoothed))")

        // The mass-weighted mean is kept exactly: the plain mean for uniform weights, area-weighted for cotangent.
        var mass = [Double](repeating: weighting == .uniform ? 1 : 0, count: plane.vertexCount)
        if weighting == .cotangent {
            for t in plane.triangles {
                let a = plane.positions[Int(t.x)], b = plane.positions[Int(t.y)], c = plane.positions[Int(t.z)]
                let area = Double(simd_length(simd_cross(b - a, c - a))) / 2
                for v in [t.x, t.y, t.z] { mass[Int(v)] += area / 3 }
            }
        }
        func weightedMean(_ v: [Double]) -> Double { zip(v, mass).map(*).reduce(0, +) / mass.reduce(0, +) }
        #expect(abs(weightedMean(smoothed) - weightedMean(z)) < 1e-10)
        let plainMean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
        #expect(abs(plainMean(smoothed) - plainMean(z)) < 0.01)

        // Strength 0 changes nothing; several fields are smoothed independently.
        let unchanged = try laplacian.smooth([z], strength: 0)[0]
        #expect(unchanged.indices.allSatisfy { abs(unchanged[$0] - z[$0]) < 1e-12 })
        let both = try laplacian.smooth([z, z.map { 2 * $0 }], strength: 2)
        #expect(both[0].indices.allSatisfy { abs(both[0][$0] - smoothed[$0]) < 1e-9 && abs(both[1][$0] - 2 * smoothed[$0]) < 1e-9 })
    }

    @Test(arguments: MeshLaplacian.Weighting.allCases)
    func disconnectedVerticesAreHandled(weighting: MeshLaplacian.Weighting) throws {
        var strip = TestMeshes.grid(columns: 6, rows: 1)
        let lone = strip.vertexCount, loneFree = strip.vertexCount + 1
        strip.positions += [SIMD3(50, 50, 0), SIMD3(60, 60, 0)]  // in no triangle
        let laplacian = MeshLaplacian(mesh: strip, weighting: weighting)
        let field = try laplacian.harmonicField(fixed: [0: 0, 7: 0, 6: 1, 13: 1, lone: 5])
        #expect(field[lone] == 5)
        #expect(field[loneFree] == 0)
        #expect(field[0..<14].allSatisfy { $0 >= 0 && $0 <= 1 })

        // Extra vertices through vertexCount.
        let longer = try laplacian.harmonicField(fixed: [0: 0, 6: 1, 17: 3], vertexCount: 18)
        #expect(longer.count == 18 && longer[17] == 3 && longer[16] == 0)

        // Only the lone vertex fixed: the strip has no constraint and gets 0.
        let onlyLone = try laplacian.harmonicField(fixed: [lone: 2])
        #expect(onlyLone[lone] == 2 && onlyLone[0..<14].allSatisfy { $0 == 0 })

        // Smoothing keeps vertices in no triangle as they are.
        let values = (0..<strip.vertexCount).map { Double($0 % 2) }
        let smoothed = try laplacian.smooth([values], strength: 1)[0]
        #expect(smoothed[lone] == values[lone] && smoothed[loneFree] == values[loneFree])
    }

    @Test func badInputIsAnErrorNotACrash() throws {
        let strip = TestMeshes.grid(columns: 3, rows: 1)
        var broken = strip
        broken.triangles[2] = SIMD3(0, 1, 99)
        for weighting in MeshLaplacian.Weighting.allCases {
            let laplacian = MeshLaplacian(mesh: broken, weighting: weighting)
            let harmonic = #expect(throws: MeshLaplacian.Failure.self) { try laplacian.harmonicField(fixed: [0: 0, 3: 1]) }
            #expect(harmonic?.message.contains("triangle 2 uses vertex 99") == true, "\(String(describing: harmonic))")
            let smooth = #expect(throws: MeshLaplacian.Failure.self) {
                try laplacian.smooth([[Double](repeating: 0, count: broken.vertexCount)], strength: 1)
            }
            #expect(smooth?.message.contains("vertex 99") == true)
        }

        let laplacian = MeshLaplacian(mesh: strip)
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.harmonicField(fixed: [:]) }
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.harmonicField(fixed: [strip.vertexCount: 1]) }
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.harmonicField(fixed: [-1: 1]) }
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.harmonicField(fixed: [0: .nan]) }
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.smooth([[1, 2, 3]], strength: 1) }
        let column = [Double](repeating: 1, count: strip.vertexCount)
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.smooth([column], strength: -1) }
        #expect(throws: MeshLaplacian.Failure.self) { try laplacian.smooth([column], strength: .infinity) }
        var nanMesh = strip
        nanMesh.positions[1].x = .nan
        #expect(throws: MeshLaplacian.Failure.self) { try MeshLaplacian(mesh: nanMesh).smooth([column], strength: 1) }
        // A vertex count below what the triangles name is an error, not a crash.
        let short = #expect(throws: MeshLaplacian.Failure.self) { try laplacian.harmonicField(fixed: [0: 1], vertexCount: 2) }
        #expect(short?.message.contains("only 2 vertices") == true)
    }
}

@Suite struct SubdivisionTests {
    @Test func midpointSubdivisionKeepsTheSurfaceAndItsSeams() {
        // Two triangles of a square whose UVs are split along the diagonal (a seam).
        let mesh = TriangleMesh(
            positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(1, 1, 0), SIMD3(0, 1, 0)],
            triangles: [SIMD3(0, 1, 2), SIMD3(0, 2, 3)],
            uvs: [SIMD2(0, 0), SIMD2(0.5, 0), SIMD2(0.5, 0.5), SIMD2(0.6, 0), SIMD2(1, 0.5), SIMD2(0.6, 0.5)],
            uvTriangles: [SIMD3(0, 1, 2), SIMD3(3, 4, 5)],
            colors: [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1), SIMD3(1, 1, 1)],
            triangleParts: [0, 1], partNames: ["a", "b"])
        let fine = mesh.subdivided(levels: 2)
        #expect(fine.triangleCount == 32)
        #expect(fine.vertexCount == 25, "a 5 × 5 grid: shared edges give shared midpoints")
        #expect(fine.uvs.count == 30, "the diagonal seam keeps separate UVs on each side (15 + 15)")
        #expect(fine.triangleParts.filter { $0 == 1 }.count == 16)
        #expect(fine.positions.allSatisfy { $0.z == 0 && $0.x >= 0 && $0.x <= 1 && $0.y >= 0 && $0.y <= 1 })
        // The centre of the diagonal gets the mean colour of its ends.
        let centre = fine.positions.firstIndex { simd_length($0 - SIMD3(0.5, 0.5, 0)) < 1e-6 }!
        #expect(simd_length(fine.colors[centre] - SIMD3(0.5, 0, 0.5)) < 1e-6)
    }
}
