import FaceAtlasCore
import Foundation
import NumPyFormat
import ParameterFiles
import Testing

/// FLAME codes written by NumPy in the layouts DECA, EMOCA and the Emoface release use are imported into
/// schema v1 with their values intact; pickled files are refused.
@Suite("FLAME import")
struct FLAMEImportTests {
    /// Python that makes a reproducible sequence of FLAME codes: T frames, shape 100, exp 50, pose 6, cam 3,
    /// verts 5023×3 (metres), as `codes` (a dict of stacked float32 arrays).
    static let makeCodes = """
        import sys, os, json, numpy as np
        rng = np.random.default_rng(7)
        T = 6
        codes = {
            'shape': np.repeat(rng.normal(size=(1, 100)), T, 0) + 0.01 * rng.normal(size=(T, 100)),
            'exp': rng.normal(size=(T, 50)),
            'pose': 0.1 * rng.normal(size=(T, 6)),
            'cam': np.column_stack([9 + rng.normal(size=T), 0.01 * rng.normal(size=(T, 2))]),
            'verts': 0.1 * rng.normal(size=(T, 5023, 3)),
            'tex': rng.normal(size=(T, 50)),
            'light': rng.normal(size=(T, 9, 3)),
        }
        codes = {k: v.astype(np.float32) for k, v in codes.items()}
        out = sys.argv[1]
        os.makedirs(out, exist_ok=True)
        def report():
            print(json.dumps({k: v.astype(np.float64).ravel().tolist() for k, v in codes.items() if k not in ('tex', 'light')}))
        """

    struct Codes: Decodable {
        var shape: [Double], exp: [Double], pose: [Double], cam: [Double], verts: [Double]
    }

    static func write(_ layout: String, to folder: URL) throws -> Codes {
        let output = try Python.run(makeCodes + "\n" + layout + "\nreport()\n", [folder.path])
        return try JSONDecoder().decode(Codes.self, from: Data(output.utf8))
    }

    static func check(_ file: ParameterFile, _ codes: Codes, camera: Bool = true, vertices: Bool = true, tool: String) throws {
        let t = 6
        #expect(file.frameCount == t)
        #expect(file.meta.modelID == "FLAME" && file.meta.detector == tool)
        #expect(file.meta.expressionNames.count == 50 && file.shape.count == 100)
        #expect(file.expression.flatMap { $0 }.map(Double.init) == codes.exp)
        #expect(file.pose.flatMap { $0 }.map(Double.init) == codes.pose)
        // shape: the mean of the per-frame estimates.
        for j in [0, 37, 99] {
            let mean = (0..<t).reduce(0.0) { $0 + codes.shape[$1 * 100 + j] } / Double(t)
            #expect(abs(Double(file.shape[j]) - mean) < 1e-5)
        }
        if camera {
            #expect(file.camera.flatMap { $0 }.map(Double.init) == codes.cam)
            #expect(file.meta.camera.model == "flame-orthographic")
        } else {
            #expect(file.camera.allSatisfy { $0.allSatisfy(\.isNaN) } && file.meta.camera.model == "none")
        }
        if vertices {
            let v = try #require(file.vertices)
            #expect(v.count == t && v[0].count == 5023 * 3)
            #expect(abs(Double(v[3][100]) - 1000 * codes.verts[3 * 5023 * 3 + 100]) < 1e-3, "vertices in mm")
        } else {
            #expect(file.vertices == nil)
        }
        #expect(file.time == (0..<t).map { Double($0) / 5 })
        #expect(file.confidence.allSatisfy { $0 == 1 } && file.residual.allSatisfy(\.isNaN))
    }

    @Test("DECA: one .npz per frame (codedict via np.savez), codes shaped (1, K)")
    func decaPerFrameNPZ() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("deca")
        let codes = try Self.write("""
            for t in range(T):
                np.savez(os.path.join(out, f'frame{t + 1}.npz'), **{k: v[t:t + 1] for k, v in codes.items()})
            """, to: input)
        let file = try FLAMEImport.read(input, format: .deca, options: .init(subject: "P7", stimulus: "fear"))
        try Self.check(file, codes, tool: "DECA")
        #expect(file.meta.subject == "P7" && file.meta.stimulus == "fear")
        // Written and read back as a verified parameter file.
        let url = folder.file("deca.npz")
        try file.write(to: url)
        #expect(try ParameterFile.read(url).meta.modelID == "FLAME")
    }

    @Test("EMOCA: save_codes folders per frame (shape.npy, exp.npy, pose.npy, tex.npy, detail.npy; no cam)")
    func emocaFolders() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("emoca")
        let codes = try Self.write("""
            for t in range(T):
                d = os.path.join(out, f'{t:06d}_000'); os.makedirs(d)
                np.save(os.path.join(d, 'shape.npy'), codes['shape'][t])
                np.save(os.path.join(d, 'exp.npy'), codes['exp'][t])
                np.save(os.path.join(d, 'pose.npy'), codes['pose'][t])
                np.save(os.path.join(d, 'tex.npy'), codes['tex'][t])
                np.save(os.path.join(d, 'detail.npy'), np.zeros(128, np.float32))
            """, to: input)
        try Self.check(try FLAMEImport.read(input, format: .emoca), codes, camera: false, vertices: false, tool: "EMOCA")
    }

    @Test("DECA: <frame>_<code>.npy files, frames in natural order")
    func decaCodeFiles() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("codes")
        let codes = try Self.write("""
            for t in range(T):
                for k in ('shape', 'exp', 'pose', 'cam', 'verts'):
                    np.save(os.path.join(out, f'img{t + 1}_{k}.npy'), codes[k][t])
            """, to: input)
        try Self.check(try FLAMEImport.read(input, format: .deca), codes, tool: "DECA")
    }

    @Test("DECA: the flat 236-value parameter vector per frame")
    func decaFlatVectors() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("flat")
        let codes = try Self.write("""
            for t in range(T):
                v = np.concatenate([codes['shape'][t], codes['tex'][t], codes['exp'][t], codes['pose'][t], codes['cam'][t], codes['light'][t].ravel()])
                np.save(os.path.join(out, f'{t:04d}.npy'), v[None, :])
            """, to: input)
        try Self.check(try FLAMEImport.read(input, format: .deca), codes, vertices: false, tool: "DECA")
    }

    @Test("Emoface: a folder of vertices.npy, shape.npy, expression.npy, pose.npy, cam.npy")
    func emofaceFolder() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("P01_happiness")
        let codes = try Self.write("""
            np.save(os.path.join(out, 'vertices.npy'), codes['verts'])
            np.save(os.path.join(out, 'shape.npy'), codes['shape'])
            np.save(os.path.join(out, 'expression.npy'), codes['exp'])
            np.save(os.path.join(out, 'pose.npy'), codes['pose'])
            np.save(os.path.join(out, 'cam.npy'), codes['cam'])
            """, to: input)
        let file = try FLAMEImport.read(input, format: .emoface)
        try Self.check(file, codes, tool: "Emoface")
        #expect(file.meta.stimulus == "P01_happiness")
    }

    @Test("Emoface: one .npz with a single shape and recorded times")
    func emofaceNPZ() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("e")
        let codes = try Self.write("""
            np.savez_compressed(os.path.join(out, 'seq.npz'), vertices=codes['verts'], shape=codes['shape'].mean(0), expression=codes['exp'],
                                pose=codes['pose'], time=np.arange(T) / 10.0)
            """, to: input)
        let file = try FLAMEImport.read(input.appendingPathComponent("seq.npz"), format: .emoface, options: .init(includeVertices: false))
        #expect(file.time == (0..<6).map { Double($0) / 10 } && file.meta.fps == 10)
        #expect(file.vertices == nil && file.meta.camera.model == "none")
        #expect(file.expression.flatMap { $0 }.map(Double.init) == codes.exp)
    }

    @Test("Pickled .npy files are refused with a clear message")
    func pickledRefused() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("pickled")
        _ = try Self.write("""
            for t in range(3):
                np.save(os.path.join(out, f'frame{t}.npy'), {k: v[t] for k, v in codes.items()}, allow_pickle=True)
            """, to: input)
        let error = expectFileError("pickle") { _ = try FLAMEImport.read(input, format: .deca) }
        #expect(error?.problem.contains("np.savez") == true)
        #expect(error?.path.hasSuffix("frame0.npy") == true)
    }

    @Test("Inconsistent or missing codes are named")
    func badCodes() throws {
        let folder = try TemporaryFolder()
        let mixed = folder.url.appendingPathComponent("mixed")
        _ = try Self.write("""
            np.savez(os.path.join(out, 'a.npz'), shape=codes['shape'][0], exp=codes['exp'][0], pose=codes['pose'][0])
            np.savez(os.path.join(out, 'b.npz'), shape=codes['shape'][1], exp=codes['exp'][1, :40], pose=codes['pose'][1])
            """, to: mixed)
        expectFileError("earlier frames have 50", location: "exp") { _ = try FLAMEImport.read(mixed, format: .deca) }
        let nopose = folder.url.appendingPathComponent("nopose")
        _ = try Self.write("np.savez(os.path.join(out, 'a.npz'), shape=codes['shape'][0], exp=codes['exp'][0])", to: nopose)
        expectFileError("no pose code") { _ = try FLAMEImport.read(nopose, format: .deca) }
        let badPose = folder.url.appendingPathComponent("badpose")
        _ = try Self.write("np.savez(os.path.join(out, 'a.npz'), shape=codes['shape'][0], exp=codes['exp'][0], pose=codes['pose'][0, :3])",
                           to: badPose)
        expectFileError("expected (6,) or (1, 6)", location: "pose") { _ = try FLAMEImport.read(badPose, format: .emoca) }
        let empty = try folder.folder("empty")
        expectFileError("no per-frame codes") { _ = try FLAMEImport.read(empty, format: .deca) }
    }

    @Test(.enabled(if: Project.executable != nil))
    func commandLine() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("deca")
        _ = try Self.write("""
            for t in range(T):
                np.savez(os.path.join(out, f'frame{t}.npz'), **{k: v[t] for k, v in codes.items()})
            """, to: input)
        let out = folder.file("imported.npz")
        let run = try Project.faceatlas(["import-params", input.path, "--format", "deca", "--out", out.path, "--fps", "10",
                                         "--subject", "S01", "--stimulus", "anger"])
        #expect(run.status == 0, "\(run.error)")
        let file = try ParameterFile.read(out)
        #expect(file.meta.fps == 10 && file.meta.subject == "S01" && file.meta.stimulus == "anger" && file.frameCount == 6)
    }
}
