import FaceAtlasTestSupport
import FaceAtlasCore
import Foundation
import Numerics
import NumPyFormat
import ParameterFiles
import Testing

/// A fresh folder under the system's temporary folder, removed when released.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ParameterFilesTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func folder(_ name: String) throws -> URL {
        let u = url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs Python 3 (with NumPy).
enum Python {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with `python3 -c`, passing `arguments`, and returns its standard output.
    static func run(_ script: String, _ arguments: [String] = []) throws -> String {
        try Process.output(["python3", "-c", script] + arguments).output
    }
}

extension Process {
    /// Runs `arguments` (through /usr/bin/env) and returns standard output, standard error and the exit status.
    static func output(_ arguments: [String], check: Bool = true) throws -> (output: String, error: String, status: Int32) {
        let folder = try TemporaryFolder()
        let outURL = folder.file("stdout"), errURL = folder.file("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        if check && process.terminationStatus != 0 {
            throw Python.Failure(description: "\(arguments.first ?? "") exited with status \(process.terminationStatus): \(err)")
        }
        return (out, err, process.terminationStatus)
    }
}

/// The project's folders and the built `faceatlas` executable (for command-line tests).
enum Project {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let defaultModel = root.appendingPathComponent("Templates/build/default-model.npz")

    /// The `faceatlas` built beside this test bundle, if there is one.
    static let executable: URL? = FaceAtlasCLI.executable

    /// Runs `faceatlas` with `arguments`.
    static func faceatlas(_ arguments: [String]) throws -> (output: String, error: String, status: Int32) {
        guard let executable else { throw Python.Failure(description: "faceatlas is not built") }
        return try Process.output([executable.path] + arguments, check: false)
    }
}

/// A small parameter file with known content: `frames` frames of `expressions` action units.
func sampleFile(subject: String = "P-Alice-0001", stimulus: String = "happiness", frames: Int = 7, expressions: Int = 4,
                identity: Int = 5, vertices: Int? = 4, start: Double = 12.5, seed: UInt64 = 1) -> ParameterFile {
    var rng = SplitMix(seed: seed)
    func u() -> Float { Float(rng.nextUniform()) }
    var meta = ParameterFile.Meta(
        modelID: "faceatlas-default-test", modelSHA256: String(repeating: "ab", count: 32),
        expressionNames: (0..<expressions).map { "AU\(String(format: "%02d", $0 + 1))" },
        camera: .init(model: "scaled-orthographic"), subject: subject, stimulus: stimulus, fps: 5,
        source: "/data/site/\(subject)/\(stimulus).csv", detector: "OpenFace 2.0", fitterVersion: "faceatlas-fit 1",
        fitterSettings: ["json": "{\"iterations\":12}"])
    meta.units["note"] = "Zoë ✓"
    let t = frames
    return ParameterFile(
        meta: meta, shape: (0..<identity).map { _ in u() * 2 - 1 },
        expression: (0..<t).map { _ in (0..<expressions).map { _ in u() } },
        pose: (0..<t).map { _ in (0..<6).map { _ in (u() - 0.5) * 0.4 } },
        camera: (0..<t).map { _ in [1.6, 256 + u(), 256 - u()] },
        time: (0..<t).map { start + Double($0) / 5 },
        confidence: (0..<t).map { $0 == 2 ? 0 : 0.9 },
        residual: (0..<t).map { $0 == 2 ? .nan : 1 + u() },
        residualNME: (0..<t).map { $0 == 2 ? .nan : 0.02 * u() },
        vertices: vertices.map { n in (0..<t).map { _ in (0..<(3 * n)).map { _ in u() * 100 } } })
}

/// The project's deterministic generator, for test data that depends only on its seed.
typealias SplitMix = Numerics.SeededGenerator

/// Expects `body` to throw a `FileError` whose problem contains `fragment`, at `location` if given; returns it.
@discardableResult
func expectFileError(_ fragment: String, location: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) -> FileError? {
    do {
        try body()
        Issue.record("expected a FileError about '\(fragment)', but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as FileError {
        #expect(error.problem.localizedCaseInsensitiveContains(fragment), "\(error) does not mention '\(fragment)'",
                sourceLocation: sourceLocation)
        if let location { #expect(error.location == location, "\(error) is not at \(location)", sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected a FileError about '\(fragment)', got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A site secret for tests.
func testSecret(_ text: String = "site-secret-for-tests-0123456789") throws -> SiteSecret {
    try SiteSecret(bytes: Data(text.utf8))
}
