import FaceAtlasCore
import Foundation
import NumPyFormat
import ParameterFiles
import Testing

@Suite("Anonymization")
struct AnonymizationTests {
    static let rawID = "P-Alice-0001"

    @Test func pseudonymsAreKeyedAndDeterministic() throws {
        let a = Pseudonymizer(secret: try testSecret())
        let b = Pseudonymizer(secret: try testSecret())
        let other = Pseudonymizer(secret: try testSecret("another-site-secret-abcdefgh"))
        #expect(a.pseudonym(for: Self.rawID) == b.pseudonym(for: Self.rawID))
        #expect(a.pseudonym(for: Self.rawID) != other.pseudonym(for: Self.rawID))
        #expect(a.pseudonym(for: Self.rawID) != a.pseudonym(for: "P-Alice-0002"))
        let p = a.pseudonym(for: Self.rawID)
        #expect(p.count == 16 && p.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        // HMAC-SHA-256 as Python's hmac module computes it.
        let python = try Python.run("import hmac, hashlib, sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest()[:16])",
                                    ["site-secret-for-tests-0123456789", Self.rawID])
        #expect(python.trimmingCharacters(in: .whitespacesAndNewlines) == p)
    }

    @Test func secretFileRules() throws {
        let folder = try TemporaryFolder()
        expectFileError("no such file") { _ = try SiteSecret.load(folder.file("missing")) }
        let empty = folder.file("empty")
        try Data("\n".utf8).write(to: empty)
        expectFileError("empty") { _ = try SiteSecret.load(empty) }
        let short = folder.file("short")
        try Data("too-short\n".utf8).write(to: short)
        expectFileError("at least 16 are needed") { _ = try SiteSecret.load(short) }
        let open = folder.file("open")
        try Data("site-secret-for-tests-0123456789\n".utf8).write(to: open)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open.path)
        let warned = try SiteSecret.load(open)
        #expect(warned.warnings.count == 1 && warned.warnings[0].contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: open.path)
        let quiet = try SiteSecret.load(open)
        #expect(quiet.warnings.isEmpty)
        // The trailing line break is not part of the secret.
        #expect(Pseudonymizer(secret: quiet).pseudonym(for: "x") == Pseudonymizer(secret: try testSecret()).pseudonym(for: "x"))
    }

    /// Writes two raw files of one participant (named after the raw id, with the id in the stimulus too).
    static func rawFiles(in folder: TemporaryFolder) throws -> [URL] {
        let a = folder.file("\(rawID)_happiness.npz"), b = folder.file("\(rawID)_sadness.npz")
        try sampleFile(subject: rawID, stimulus: "happiness", seed: 1).write(to: a)
        try sampleFile(subject: rawID, stimulus: "sadness_\(rawID)", seed: 2).write(to: b)
        return [a, b]
    }

    @Test(arguments: IdentityMode.allCases)
    func anonymizeKeepsDynamicsAndRemovesIdentity(mode: IdentityMode) throws {
        let folder = try TemporaryFolder()
        let inputs = try Self.rawFiles(in: folder)
        let out = folder.url.appendingPathComponent("shared")
        let anonymizer = Anonymizer(identity: mode, pseudonymizer: Pseudonymizer(secret: try testSecret()))
        let result = try AnonymizationBatch.run(inputs: inputs, to: out, anonymizer: anonymizer)
        let pseudonym = anonymizer.pseudonymizer.pseudonym(for: Self.rawID)
        #expect(result.outputs.map(\.lastPathComponent) == ["\(pseudonym)_happiness.npz", "\(pseudonym)_sadness_\(pseudonym).npz"])
        let originals = try inputs.map { try ParameterFile.read($0) }
        for (url, original) in zip(result.outputs, originals) {
            let file = try ParameterFile.read(url)  // verifies the recomputed hashes
            #expect(file.meta.anonymized && file.meta.subject == pseudonym)
            #expect(file.meta.source.isEmpty && file.meta.detector == original.meta.detector)
            #expect(file.vertices == nil && !file.meta.arrays.keys.contains("vertices"))
            #expect(file.time.first == 0)
            #expect(zip(file.time, original.time).allSatisfy { abs($0 - ($1 - original.time[0])) < 1e-12 })
            #expect(file.expression == original.expression && file.pose == original.pose && file.camera == original.camera)
            switch mode {
            case .mean: #expect(file.shape == [Float](repeating: 0, count: original.shape.count))
            case .cohortMean:
                let mean = (0..<original.shape.count).map { j in Float((Double(originals[0].shape[j]) + Double(originals[1].shape[j])) / 2) }
                #expect(file.shape == mean)
            case .keep: #expect(file.shape == original.shape)
            }
            #expect(file.meta.removed.contains("vertices") && file.meta.removed.contains { $0.hasPrefix("subject id") })
            #expect(file.meta.removed.contains { $0.hasPrefix("shape") } == (mode != .keep))
            // No raw id anywhere in the output bytes (compressed or not), nor in the name.
            let bytes = try Data(contentsOf: url)
            #expect(bytes.range(of: Data(Self.rawID.utf8)) == nil)
            let decompressed = try NPZArchive.read(url).map { NPYFormat.encode($0.array) }.reduce(Data(), +)
            #expect(decompressed.range(of: Data(Self.rawID.utf8)) == nil)
            #expect(decompressed.range(of: Data(Self.rawID.unicodeScalars.flatMap { [UInt8($0.value), 0, 0, 0] })) == nil, "UTF-32 meta")
            #expect(!url.lastPathComponent.contains(Self.rawID))
        }

        // The audit log: one line for this run, with the hashes of inputs and outputs and no raw id.
        let logText = try String(contentsOf: result.log, encoding: .utf8)
        #expect(!logText.contains(Self.rawID) && !logText.contains("Alice"))
        let records = try AnonymizationAuditRecord.read(result.log)
        #expect(records.count == 1)
        let record = records[0]
        #expect(record.inputs == (try inputs.map { try Digest.sha256(file: $0) }))
        #expect(record.outputs.map(\.sha256) == (try result.outputs.map { try Digest.sha256(file: $0) }))
        #expect(record.identity == mode.rawValue && record.faceatlasVersion == FaceAtlasVersion.current)
        #expect(record.removed == Anonymizer.removed(identity: mode))
        #expect(record.time.hasSuffix("Z") && ISO8601DateFormatter().date(from: record.time) != nil)

        // A second run appends a second line; the pseudonyms are the same with the same secret.
        let again = try AnonymizationBatch.run(inputs: inputs, to: out, anonymizer: anonymizer)
        #expect(try AnonymizationAuditRecord.read(result.log).count == 2)
        #expect(again.outputs == result.outputs)
    }

    @Test func anotherSecretGivesOtherPseudonyms() throws {
        let folder = try TemporaryFolder()
        let inputs = try Self.rawFiles(in: folder)
        let a = try AnonymizationBatch.run(inputs: inputs, to: folder.url.appendingPathComponent("a"),
                                           anonymizer: Anonymizer(identity: .mean, pseudonymizer: Pseudonymizer(secret: try testSecret())))
        let b = try AnonymizationBatch.run(inputs: inputs, to: folder.url.appendingPathComponent("b"),
                                           anonymizer: Anonymizer(identity: .mean, pseudonymizer: Pseudonymizer(secret: try testSecret("a-different-secret-0987654321"))))
        let sa = try ParameterFile.read(a.outputs[0]).meta.subject, sb = try ParameterFile.read(b.outputs[0]).meta.subject
        #expect(sa != sb)
    }

    @Test func refusesAnonymizedInputsAndMixedModels() throws {
        let folder = try TemporaryFolder()
        let inputs = try Self.rawFiles(in: folder)
        let anonymizer = Anonymizer(identity: .mean, pseudonymizer: Pseudonymizer(secret: try testSecret()))
        let first = try AnonymizationBatch.run(inputs: inputs, to: folder.url.appendingPathComponent("once"), anonymizer: anonymizer)
        #expect(throws: UsageError.self) {
            _ = try AnonymizationBatch.run(inputs: first.outputs, to: folder.url.appendingPathComponent("twice"), anonymizer: anonymizer)
        }
        let odd = folder.file("odd.npz")
        try sampleFile(subject: "P-Bob-0002", identity: 7).write(to: odd)
        var mean = anonymizer
        mean.identity = .cohortMean
        #expect(throws: UsageError.self) {
            _ = try AnonymizationBatch.run(inputs: inputs + [odd], to: folder.url.appendingPathComponent("mixed"), anonymizer: mean)
        }
        // A tampered input is refused before anything is written.
        let tampered = folder.file("tampered.npz")
        _ = try Python.run("""
            import sys, numpy as np
            z = dict(np.load(sys.argv[1], allow_pickle=False)); z['exp'] = z['exp'] + 1; np.savez(sys.argv[2], **z)
            """, [inputs[0].path, tampered.path])
        let target = folder.url.appendingPathComponent("t")
        expectFileError("SHA-256", location: "exp") { _ = try AnonymizationBatch.run(inputs: [tampered], to: target, anonymizer: anonymizer) }
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent(AnonymizationAuditRecord.fileName).path))
    }

    @Test(.enabled(if: Project.executable != nil))
    func commandLine() throws {
        let folder = try TemporaryFolder()
        let inputs = try Self.rawFiles(in: folder)
        let secret = folder.file("secret")
        try Data("site-secret-for-tests-0123456789\n".utf8).write(to: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
        let out = folder.url.appendingPathComponent("out")
        let run = try Project.faceatlas(["anonymize"] + inputs.map(\.path) + ["--out", out.path, "--identity", "cohort-mean",
                                                                               "--secret-file", secret.path])
        #expect(run.status == 0, "\(run.error)")
        let pseudonym = Pseudonymizer(secret: try testSecret()).pseudonym(for: Self.rawID)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(pseudonym)_happiness.npz").path))
        #expect(try AnonymizationAuditRecord.read(out.appendingPathComponent(AnonymizationAuditRecord.fileName))[0].identity == "cohort-mean")
        // No secret on the command line: the option takes a file, and a missing file is an error.
        let missing = try Project.faceatlas(["anonymize", inputs[0].path, "--out", out.path, "--secret-file", folder.file("nope").path])
        #expect(missing.status != 0 && missing.error.contains("no such file"))
    }
}
