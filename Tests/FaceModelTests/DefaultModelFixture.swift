import FaceModel
import Foundation
import ModelAuthoring

/// The default model built by `scripts/bootstrap` (or `faceatlas model build`), loaded once.
enum DefaultModelFixture {
    static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = projectRoot.appendingPathComponent("Templates")
    static let url = DefaultModelBuilder.defaultModelURL(templates: templates)

    static let loaded: Result<(FaceModel, FaceModelFile.Meta), Error> = Result {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureError("the default model \(url.path) is missing: run scripts/bootstrap (make test does) first")
        }
        return try FaceModelFile.read(url)
    }

    static var model: FaceModel { get throws { try loaded.get().0 } }
    static var meta: FaceModelFile.Meta { get throws { try loaded.get().1 } }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs python3 with `script` and returns its standard output.
    static func python(_ script: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw FixtureError("python3 failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

func distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { ((a - b) * (a - b)).sum().squareRoot() }
