import FaceAtlasCore
import Foundation
import Testing
@testable import NumPyFormat

/// A fresh folder under the system's temporary folder, removed when released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("NumPyFormatTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs Python 3 (with NumPy) scripts for the interoperability tests.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with `python3 -c`, passing `arguments`, and returns its standard output.
    static func run(_ script: String, _ arguments: [String] = []) throws -> String {
        let folder = try TemporaryFolder()
        let errorURL = folder.file("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw Failure(description: "python3 exited with status \(process.terminationStatus): \(stderr)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `script` and decodes its standard output as JSON.
    static func json<T: Decodable>(_ type: T.Type, _ script: String, _ arguments: [String] = []) throws -> T {
        let output = try run(script, arguments)
        return try JSONDecoder().decode(T.self, from: Data(output.utf8))
    }
}

extension Data {
    /// Lowercase hexadecimal, as Python's `bytes.hex()`.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// The seed files in Tests/NumPyFormatTests/Corpus, written by NumPy (see make_corpus.py there).
enum Corpus {
    static var folder: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Corpus", withExtension: nil) else {
                throw Python.Failure(description: "the Corpus resource folder is missing")
            }
            return url
        }
    }

    static func url(_ name: String) throws -> URL { try folder.appendingPathComponent(name) }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }
}

/// A `.npy` file with the given header text, version and data, without any padding,
/// for crafting broken files.
func craftNPY(header: String, version: (UInt8, UInt8) = (1, 0), data: [UInt8] = [], declaredLength: Int? = nil) -> Data {
    let headerBytes = version.0 == 3 ? Array(header.utf8) : header.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    let length = declaredLength ?? headerBytes.count
    var file = Data(NPYFormat.magic)
    file.append(contentsOf: [version.0, version.1])
    let fieldSize = version.0 == 1 ? 2 : 4
    for index in 0..<fieldSize { file.append(UInt8(truncatingIfNeeded: length >> (8 * index))) }
    file.append(contentsOf: headerBytes)
    file.append(contentsOf: data)
    return file
}

/// Expects `body` to throw a `FileError` whose problem contains `fragment` (ignoring
/// case), for `path` and, if given, at `location`; returns the error.
@discardableResult
func expectFileError(
    _ fragment: String, path: String? = nil, location: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> FileError? {
    do {
        try body()
        Issue.record("expected a FileError about '\(fragment)', but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as FileError {
        #expect(fragment.isEmpty || error.problem.localizedCaseInsensitiveContains(fragment),
                "\(error) does not mention '\(fragment)'", sourceLocation: sourceLocation)
        if let path { #expect(error.path == path, sourceLocation: sourceLocation) }
        if let location { #expect(error.location == location, sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected a FileError about '\(fragment)', got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// One array of each kind FaceAtlas reads, for round trips in Swift and through NumPy.
struct Sample: Sendable, CustomTestStringConvertible {
    var name: String
    var array: NumPyArray
    var testDescription: String { name }

    static let all: [Sample] = [
        Sample(name: "float32", array: NumPyArray(
            float32: [0, -0.0, 1.5, -2.25, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity],
            shape: [2, 4])),
        Sample(name: "float64", array: NumPyArray(
            float64: [0.1, -1e300, .leastNonzeroMagnitude, .pi, 1e10, -0.0], shape: [3, 2])),
        Sample(name: "int8", array: NumPyArray(int8: [-128, -1, 0, 127], shape: [4])),
        Sample(name: "int16", array: NumPyArray(int16: [-32768, 0, 32767], shape: [3])),
        Sample(name: "int32", array: NumPyArray(int32: [.min, -7, 0, 7, .max, 42], shape: [2, 3])),
        Sample(name: "int64", array: NumPyArray(int64: [.min, -1, 0, .max], shape: [2, 2])),
        Sample(name: "uint8", array: NumPyArray(uint8: [0, 1, 128, 255], shape: [2, 1, 2])),
        Sample(name: "uint16", array: NumPyArray(uint16: [0, 1, 65535], shape: [3])),
        Sample(name: "uint32", array: NumPyArray(uint32: [0, 4_000_000_000], shape: [2])),
        Sample(name: "uint64", array: NumPyArray(uint64: [0, .max], shape: [2])),
        Sample(name: "bool", array: NumPyArray(bool: [true, false, false, true, true, false], shape: [3, 2])),
        Sample(name: "unicode", array: NumPyArray(strings: ["a", "héllo", "日本語", "😀 ok", ""], shape: [5])),
        Sample(name: "unicode_2d", array: NumPyArray(strings: ["ab", "c", "d", "efg"], shape: [2, 2])),
        Sample(name: "scalar_float64", array: NumPyArray(float64: [2.5], shape: [])),
        Sample(name: "scalar_int32", array: NumPyArray(int32: [-3], shape: [])),
        Sample(name: "scalar_bool", array: NumPyArray(bool: [true], shape: [])),
        Sample(name: "scalar_string", array: NumPyArray(string: #"{"schema": 1, "units": "mm", "name": "Zoë"}"#)),
        Sample(name: "empty_float32", array: NumPyArray(float32: [], shape: [0])),
        Sample(name: "empty_2d_int64", array: NumPyArray(int64: [], shape: [3, 0])),
        Sample(name: "empty_unicode", array: NumPyArray(strings: [], shape: [0, 2])),
    ]
}
