import FaceAtlasCore
import Foundation
import NumPyFormat
import ParameterFiles
import Testing

@Suite("Parameter files: NumPy interoperability, round trip, integrity")
struct ParameterFileTests {
    /// Files written by FaceAtlas load in NumPy without pickle, with the same values bit for bit and the same
    /// header; each array's hash in the header is the SHA-256 of `np.save(array)`, so NumPy alone can verify it.
    @Test(arguments: [true, false])
    func loadsInNumPy(compressed: Bool) throws {
        let folder = try TemporaryFolder()
        let url = folder.file("p.npz")
        let file = sampleFile()
        let written = try file.write(to: url, compressed: compressed)
        let script = """
            import sys, json, io, hashlib, numpy as np
            z = np.load(sys.argv[1], allow_pickle=False)
            meta = json.loads(str(z['meta'][()]))
            out = {'meta': str(z['meta'][()]), 'arrays': {}}
            for name in z.files:
                if name == 'meta': continue
                a = z[name]
                b = io.BytesIO(); np.save(b, a)
                out['arrays'][name] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'hex': a.tobytes().hex(),
                                       'hash_ok': hashlib.sha256(b.getvalue()).hexdigest() == meta['arrays'][name]}
            print(json.dumps(out))
            """
        struct Output: Decodable {
            struct Array: Decodable { var dtype: String; var shape: [Int]; var hex: String; var hash_ok: Bool }
            var meta: String
            var arrays: [String: Array]
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(try Python.run(script, [url.path]).utf8))
        func hex<T>(_ values: [T]) -> String { values.withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined() }
        let expected: [String: (String, [Int], String)] = [
            "shape": ("<f4", [5], hex(file.shape)),
            "exp": ("<f4", [7, 4], hex(file.expression.flatMap { $0 })),
            "pose": ("<f4", [7, 6], hex(file.pose.flatMap { $0 })),
            "cam": ("<f4", [7, 3], hex(file.camera.flatMap { $0 })),
            "time": ("<f8", [7], hex(file.time)),
            "confidence": ("<f4", [7], hex(file.confidence)),
            "residual": ("<f4", [7], hex(file.residual)),
            "residual_nme": ("<f4", [7], hex(file.residualNME)),
            "vertices": ("<f4", [7, 4, 3], hex(file.vertices!.flatMap { $0 })),
        ]
        #expect(Set(output.arrays.keys) == Set(expected.keys))
        for (name, (dtype, shape, bytes)) in expected {
            let a = try #require(output.arrays[name])
            #expect(a.dtype == dtype && a.shape == shape, "\(name): \(a.dtype) \(a.shape)")
            #expect(a.hex == bytes, "\(name): values differ")
            #expect(a.hash_ok, "\(name): SHA-256 of np.save(array) is not the header's")
        }
        // The header NumPy sees is the JSON FaceAtlas wrote, non-ASCII text included.
        let decoded = try JSONDecoder().decode(ParameterFile.Meta.self, from: Data(output.meta.utf8))
        #expect(decoded == written)
        #expect(decoded.units["note"] == "Zoë ✓")
        #expect(decoded.subject == "P-Alice-0001" && decoded.arrays.count == 9)
    }

    /// What is written is read back identically (NaN residuals included).
    @Test func roundTrip() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("p.npz")
        var file = sampleFile()
        let meta = try file.write(to: url)
        let back = try ParameterFile.read(url)
        file.meta = meta
        #expect(back.meta == meta)
        #expect(back.shape == file.shape && back.expression == file.expression && back.pose == file.pose)
        #expect(back.camera == file.camera && back.time == file.time && back.confidence == file.confidence)
        #expect(back.residual.map(\.bitPattern) == file.residual.map(\.bitPattern))
        #expect(back.residualNME.map(\.bitPattern) == file.residualNME.map(\.bitPattern))
        #expect(back.vertices == file.vertices)
        // The same content gives the same bytes.
        let again = folder.file("q.npz")
        try file.write(to: again)
        #expect(try Data(contentsOf: url) == Data(contentsOf: again))
        // And from memory.
        let fromData = try ParameterFile.read(data: try Data(contentsOf: url), source: "memory")
        #expect(fromData.meta == meta)
    }

    /// A file whose arrays were changed with NumPy (keeping the old header) fails on read and in verify,
    /// naming the array.
    @Test(arguments: ["exp", "pose", "shape", "time"])
    func tamperedArrayIsNamed(array: String) throws {
        let folder = try TemporaryFolder()
        let url = folder.file("p.npz"), tampered = folder.file("tampered.npz")
        try sampleFile().write(to: url)
        _ = try Python.run("""
            import sys, numpy as np
            z = dict(np.load(sys.argv[1], allow_pickle=False))
            z[sys.argv[3]] = z[sys.argv[3]].copy()
            z[sys.argv[3]].flat[0] += 0.25
            np.savez(sys.argv[2], **z)
            """, [url.path, tampered.path, array])
        expectFileError("does not match its SHA-256", location: array) { _ = try ParameterFile.read(tampered) }
        let check = ParameterFileCheck(tampered)
        #expect(!check.isValid)
        #expect(check.failingArrays == [array])
        #expect(check.arrays.first { $0.name == array }?.status == .mismatch)
        #expect(check.problems.first?.location == array)
        // inspect still summarizes the file and flags the array.
        let summary = try #require(ParameterFileSummary(check))
        #expect(summary.text.contains("SHA-256 MISMATCH"))
        #expect(ParameterFileCheck(url).isValid)
    }

    /// Schema faults are named: a removed array, an extra array, a wrong shape, a newer schema.
    @Test func schemaFaults() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("p.npz")
        try sampleFile().write(to: url)
        func edit(_ name: String, _ code: String) throws -> URL {
            let out = folder.file(name)
            _ = try Python.run("""
                import sys, json, numpy as np
                z = dict(np.load(sys.argv[1], allow_pickle=False))
                meta = json.loads(str(z['meta'][()]))
                \(code)
                z['meta'] = np.array(json.dumps(meta))
                np.savez(sys.argv[2], **z)
                """, [url.path, out.path])
            return out
        }
        expectFileError("listed in the header is missing", location: "cam") {
            _ = try ParameterFile.read(try edit("missing.npz", "del z['cam']"))
        }
        expectFileError("not listed in the header", location: "extra") {
            _ = try ParameterFile.read(try edit("extra.npz", "z['extra'] = np.zeros(3)"))
        }
        expectFileError("expected (7, 6)", location: "pose") {
            _ = try ParameterFile.read(try edit("shape.npz", """
                import io, hashlib
                z['pose'] = z['pose'][:, :5].copy(); b = io.BytesIO(); np.save(b, z['pose']); meta['arrays']['pose'] = hashlib.sha256(b.getvalue()).hexdigest()
                """))
        }
        expectFileError("schema version 2", location: "meta") { _ = try ParameterFile.read(try edit("v2.npz", "meta['version'] = 2")) }
        expectFileError("schema is 'other'", location: "meta") { _ = try ParameterFile.read(try edit("other.npz", "meta['schema'] = 'other'")) }
        expectFileError("no 'meta' array") { _ = try ParameterFile.read(try edit("nometa.npz", "del z['meta']; import sys; np.savez(sys.argv[2], **z); sys.exit(0)")) }
    }

    @Test func summaryNamesTheEssentials() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("p.npz")
        try sampleFile().write(to: url)
        let check = ParameterFileCheck(url)
        #expect(check.isValid)
        let summary = try #require(ParameterFileSummary(check))
        #expect(summary.frames == 7 && summary.validFrames == 6)
        #expect(abs(summary.duration - 1.4) < 1e-9)
        #expect(summary.mostActive.count == 4 && summary.actionUnits)
        #expect(summary.meanResidual.isFinite)
        let text = summary.text
        for fragment in ["faceatlas-parameters v1", "faceatlas-default-test", "P-Alice-0001", "happiness", "frames:        7",
                         "valid frames:  6 of 7", "most active action units", "anonymized:    no", "(7, 4, 3)", "SHA-256 ok"] {
            #expect(text.contains(fragment), "summary lacks '\(fragment)':\n\(text)")
        }
    }

    /// `faceatlas verify` prints OK or FAILED per file, names the failing array, and exits non-zero on any failure;
    /// `faceatlas inspect` prints the summary.
    @Test(.enabled(if: Project.executable != nil))
    func commandLine() throws {
        let folder = try TemporaryFolder()
        let good = folder.file("good.npz"), bad = folder.file("bad.npz")
        try sampleFile().write(to: good)
        try sampleFile().write(to: bad)
        // Change 'exp' with NumPy, keeping the old header.
        _ = try Python.run("""
            import sys, numpy as np
            z = dict(np.load(sys.argv[1], allow_pickle=False))
            z['exp'] = z['exp'] * 1.5
            np.savez(sys.argv[1], **z)
            """, [bad.path])
        let ok = try Project.faceatlas(["verify", good.path])
        #expect(ok.status == 0 && ok.output.hasPrefix("OK"))
        let mixed = try Project.faceatlas(["verify", good.path, bad.path])
        #expect(mixed.status != 0)
        #expect(mixed.output.contains("OK      \(good.path)"))
        #expect(mixed.output.contains("FAILED  \(bad.path) (arrays: exp)"))
        let inspect = try Project.faceatlas(["inspect", good.path])
        #expect(inspect.status == 0 && inspect.output.contains("most active action units"))
    }
}
