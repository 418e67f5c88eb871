import FaceAtlasCore
import FaceModel
import Foundation
import Mesh
import ModelAuthoring
import Testing

/// MediaPipe Face Mesh's 468 points on the default model: the table in Templates/, the arrays in the
/// model file (NumPy reads them), and where the points sit on the face.
@Suite struct DenseLandmarkEmbeddingTests {
    static let tableURL = DefaultModelFixture.templates.appendingPathComponent(MediaPipeEmbeddingTable.fileName)

    @Test func numpyReadsTheEmbedding() throws {
        let model = try DefaultModelFixture.model
        let script = """
        import numpy as np
        z = np.load('\(DefaultModelFixture.url.path)', allow_pickle=False)
        t, b, s = z['dense_landmark_triangles'], z['dense_landmark_barycentric'], z['dense_landmark_spread']
        print(t.dtype, t.shape[0], b.dtype, b.shape[0], b.shape[1], s.dtype, s.shape[0])
        print(int(((t >= 0) & (t < z['triangles'].shape[0])).sum()), bool(np.allclose(b.sum(axis=1), 1, atol=1e-5)), bool((b >= -1e-6).all()))
        print(repr(float(s[33])), repr(float(b[1, 2])))
        """
        let lines = try DefaultModelFixture.python(script).split(separator: "\n").map(String.init)
        let dense = try #require(model.denseLandmarks)
        #expect(lines[0] == "int32 468 float32 468 3 float32 468")
        #expect(lines[1] == "\(dense.triangles.filter { $0 >= 0 }.count) True True")
        #expect(lines[2].split(separator: " ").compactMap { Float($0) } == [dense.spread[33], dense.barycentric[1].z])
    }

    /// The mesh points MediaPipe names the outer eye corners (33, 263), the nose tip (4, which FaceAtlas reads as iBUG 30) and the mouth corners
    /// (61, 291) sit on the mean face within a few millimetres of the model's own iBUG landmarks for them, and
    /// move with it: under a smile the mouth corners go where the iBUG corners go.
    @Test func meshPointsSitOnTheirFeatures() throws {
        let model = try DefaultModelFixture.model
        let dense = try #require(model.denseLandmarks)
        #expect(dense.count == 468 && (0..<468).allSatisfy(dense.isDefined))
        for (name, parameters) in [("mean", FaceParameters()), ("smile", try FaceParameters(model: model, settings: ["AU12": 1, "AU26": 0.4]))] {
            let mesh = model.instance(parameters)
            let points = dense.positions(on: mesh.positions, triangles: mesh.triangles)
            let ibug = model.landmarks.positions(on: mesh.positions, triangles: mesh.triangles)
            for (meshIndex, ibugIndex, tolerance) in [(33, 36, Float(4)), (263, 45, 4), (4, 30, 4), (61, 48, 5), (291, 54, 5)] {
                let d = distance(points[meshIndex], ibug[ibugIndex])
                #expect(d < tolerance, "\(name): mesh point \(meshIndex) is \(d) mm from iBUG \(ibugIndex)")
            }
        }
        // The inner eye corners, the sharpest features, are pinned more tightly than the typical point.
        let median = dense.spread.sorted()[dense.count / 2]
        #expect(dense.spread[133] < median && dense.spread[362] < median, "spread median \(median) mm")
    }

    /// The table survives its own text; a bad row or a triple that is not a triangle is refused with the file's name.
    @Test func tableRoundTripsAndRefusesBadRows() throws {
        let table = try MediaPipeEmbeddingTable(url: Self.tableURL)
        let folder = try DefaultModelFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("copy.csv")
        try table.csv(header: ["a copy"]).write(to: copy, atomically: true, encoding: .utf8)
        let back = try MediaPipeEmbeddingTable(url: copy)
        #expect(back.entries.compactMap { $0 }.count == table.entries.compactMap { $0 }.count)
        for (a, b) in zip(table.entries, back.entries) {
            #expect(a?.vertices == b?.vertices && a?.observations == b?.observations)
            #expect(abs((a?.spread ?? 0) - (b?.spread ?? 0)) < 1e-3)
        }
        let model = try DefaultModelFixture.model
        #expect(try back.embedding(on: model.mesh, source: copy.path).triangles == model.denseLandmarks?.triangles)

        let header = "point,v0,v1,v2,b0,b1,b2,spread_mm,observations\n"
        for (row, message) in [("468,1,2,3,0.2,0.3,0.5,1.0,10", "row 1"), ("5,1,2,3,0.9,0.9,0.5,1.0,10", "barycentric"),
                               ("5,1,2,3,0.2,0.3,0.5,-1,10", "row 1"), ("5,1,2,x,0.2,0.3,0.5,1.0,10", "row 1")] {
            let bad = folder.appendingPathComponent("bad.csv")
            try (header + row + "\n").write(to: bad, atomically: true, encoding: .utf8)
            do {
                _ = try MediaPipeEmbeddingTable(url: bad)
                Issue.record("accepted \(row)")
            } catch let error as FileError {
                #expect(error.path == bad.path && error.description.contains(message), "\(error)")
            }
        }
        var entries = [MediaPipeEmbeddingTable.Entry?](repeating: nil, count: 468)
        entries[7] = .init(vertices: SIMD3(0, 1, Int32(model.vertexCount - 1)), barycentric: SIMD3(1, 0, 0), spread: 1, observations: 1)
        #expect(throws: FileError.self) { try MediaPipeEmbeddingTable(entries: entries).embedding(on: model.mesh, source: "t.csv") }
    }
}
