import FaceAtlasCore
import FaceModel
import Foundation
import Mesh
import ModelAuthoring
import NumPyFormat
import Testing

/// The model file: NumPy reads it, FaceAtlas refuses tampered files, the generator is deterministic.
@Suite struct ModelFileTests {
    @Test func numpyReadsTheModelFile() throws {
        let model = try DefaultModelFixture.model
        let script = """
        import numpy as np, json
        z = np.load('\(DefaultModelFixture.url.path)', allow_pickle=False)
        meta = json.loads(str(z['meta']))
        print(z['vertices'].shape[0], z['triangles'].shape[0], z['identity_basis'].shape[0], z['expression_basis'].shape[0])
        print(meta['format'], meta['units'], len(meta['expressions']))
        print(repr(float(z['vertices'][100, 1])), repr(float(z['identity_basis'][3, 200, 2])))
        """
        let lines = try DefaultModelFixture.python(script).split(separator: "\n").map(String.init)
        #expect(lines[0] == "\(model.vertexCount) \(model.mesh.triangleCount) \(model.identityCount) \(model.expressionCount)")
        #expect(lines[1] == "faceatlas-model mm \(model.expressionCount)")
        let values = lines[2].split(separator: " ").compactMap { Float($0) }
        #expect(values == [model.mesh.positions[100].y, model.identityBasis[3 * model.vertexCount * 3 + 200 * 3 + 2]])
    }

    @Test func writeAndReadBackIsExact() throws {
        let model = try DefaultModelFixture.model
        let folder = try DefaultModelFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("copy.npz")
        let meta = try FaceModelFile.write(model, to: url)
        let (back, backMeta) = try FaceModelFile.read(url)
        #expect(meta.id == backMeta.id)
        #expect(meta.id == (try DefaultModelFixture.meta).id, "the id depends on the arrays only")
        #expect(back.mesh.positions == model.mesh.positions)
        #expect(back.identityBasis == model.identityBasis)
        #expect(back.expressionBasis == model.expressionBasis)
        #expect(back.landmarks == model.landmarks)
        #expect(back.wrinkleMaps == model.wrinkleMaps)
        #expect(back.jaw == model.jaw)
        #expect(back.denseLandmarks != nil && back.denseLandmarks == model.denseLandmarks)
    }

    @Test func tamperedArrayIsNamed() throws {
        let folder = try DefaultModelFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("tampered.npz")
        var entries = try NPZArchive.read(DefaultModelFixture.url)
        let i = entries.firstIndex { $0.name == "expression_basis" }!
        var values = try entries[i].array.floats()
        values[12345] += 1
        entries[i].array = NumPyArray(float32: values, shape: entries[i].array.shape)
        try NPZArchive.write(entries, to: url)
        do {
            _ = try FaceModelFile.read(url)
            Issue.record("a tampered model was accepted")
        } catch let error as FileError {
            #expect(error.description.contains("expression_basis"))
            #expect(error.path == url.path)
        }
    }

    @Test func aFileThatIsNotAModelIsRefused() throws {
        let folder = try DefaultModelFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("other.npz")
        try NPZArchive.write([(name: "x", array: NumPyArray(float32: [1, 2, 3], shape: [3]))], to: url)
        #expect(throws: FileError.self) { try FaceModelFile.read(url) }
        let garbage = folder.appendingPathComponent("garbage.npz")
        try Data("not a zip".utf8).write(to: garbage)
        #expect(throws: FileError.self) { try FaceModelFile.read(garbage) }
    }

    /// Two builds give the same arrays: the release build of the generator writes a second model
    /// into a temporary folder, compared with the one bootstrap built.
    @Test func generatorIsDeterministic() throws {
        let binary = DefaultModelFixture.projectRoot.appendingPathComponent(".build/release/faceatlas")
        guard FileManager.default.fileExists(atPath: binary.path) else {
            throw DefaultModelFixture.FixtureError("\(binary.path) is missing: scripts/bootstrap builds it")
        }
        let folder = try DefaultModelFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("second.npz")
        let p = Process()
        p.executableURL = binary
        p.arguments = ["model", "build", "--out", out.path]
        p.currentDirectoryURL = DefaultModelFixture.projectRoot
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let a = try DefaultModelFixture.model
        let (b, _) = try FaceModelFile.read(out)
        func maxDifference(_ x: [Float], _ y: [Float]) -> Float {
            zip(x, y).map { abs($0 - $1) }.max() ?? 0
        }
        #expect(a.vertexCount == b.vertexCount)
        #expect(maxDifference(a.mesh.positions.flatMap { [$0.x, $0.y, $0.z] }, b.mesh.positions.flatMap { [$0.x, $0.y, $0.z] }) <= 1e-5)
        #expect(maxDifference(a.identityBasis, b.identityBasis) <= 1e-5)
        #expect(maxDifference(a.expressionBasis, b.expressionBasis) <= 1e-5)
        #expect(a.landmarks == b.landmarks)
        #expect(a.vertexRegions == b.vertexRegions)
        #expect(a.wrinkleMaps == b.wrinkleMaps)
    }
}

/// Exported faces re-import through assimp with the same vertex and triangle counts.
@Suite struct ModelExportTests {
    @Test(arguments: [MeshFormat.obj, .ply, .gltf, .glb])
    func exportedFaceReimports(format: MeshFormat) throws {
        let model = try DefaultModelFixture.model
        let p = try FaceParameters(model: model, settings: ["AU12": 0.8, "AU26": 0.5])
        var mesh = model.instance(p)
        mesh.colors = FaceAppearance.colors(for: model)
        let folder = try DefaultModelFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("face.\(format.fileExtension)")
        try MeshIO.export(mesh, to: url, options: MeshExportOptions(format: format))
        let back = try MeshIO.import(url)
        #expect(back.triangleCount == mesh.triangleCount)
        #expect(back.vertexCount == mesh.vertexCount)
        let (lo, hi) = mesh.bounds, (blo, bhi) = back.bounds
        #expect(distance(lo, blo) < 1e-3 && distance(hi, bhi) < 1e-3)
    }
}
