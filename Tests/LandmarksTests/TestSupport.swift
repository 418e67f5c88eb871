import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Testing
@testable import Landmarks

/// A fresh folder under the system's temporary folder, removed when released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("LandmarksTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to the file `name` and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = file(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs Python 3 scripts (NumPy is installed) for the interoperability tests.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with `python3 -c`, passing `arguments`, and returns its standard output.
    /// With `timeout`, the run is stopped after that many seconds (coreutils `timeout`).
    static func run(_ script: String, _ arguments: [String] = [], timeout: Int? = nil) throws -> String {
        try runCommand(["python3", "-c", script] + arguments, timeout: timeout)
    }

    /// Runs `command` (looked up on PATH) and returns its standard output.
    static func runCommand(_ command: [String], timeout: Int? = nil) throws -> String {
        do {
            return try TestProcess.run(command, timeout: timeout)
        } catch let error as TestProcess.Failure {
            throw Failure(description: error.description)
        }
    }

    /// Runs `script` and decodes its standard output as JSON.
    static func json<T: Decodable>(_ type: T.Type, _ script: String, _ arguments: [String] = []) throws -> T {
        let output = try run(script, arguments)
        return try JSONDecoder().decode(T.self, from: Data(output.utf8))
    }
}

/// A synthetic 68-point face in a 640 × 480 image whose every point is known, laid out like
/// the iBUG markup: the subject's right side (iBUG 0...7, 17...21, 36...41) on the image left.
enum SyntheticFace {
    static let imageSize = SIMD2<Int>(640, 480)

    /// The face centred at (cx, cy) with half-width rx and half-height ry, in 0-based pixels.
    static func points(cx: Double = 320, cy: Double = 250, rx: Double = 120, ry: Double = 150) -> [SIMD2<Double>] {
        var p: [SIMD2<Double>] = []
        // Jaw 0...16: the lower half of an ellipse from the image left, under the chin, to the right.
        for i in 0..<17 {
            let angle = Double.pi - Double(i) * Double.pi / 16
            p.append(SIMD2(cx + rx * cos(angle), cy + ry * sin(angle)))
        }
        // Brows 17...26, left to right across the image.
        for i in 0..<5 { p.append(SIMD2(cx - 0.8 * rx + Double(i) * 0.15 * rx, cy - 0.55 * ry - Double(min(i, 4 - i)) * 3)) }
        for i in 0..<5 { p.append(SIMD2(cx + 0.2 * rx + Double(i) * 0.15 * rx, cy - 0.55 * ry - Double(min(i, 4 - i)) * 3)) }
        // Nose bridge 27...30 top to tip, nose base 31...35 left to right.
        for i in 0..<4 { p.append(SIMD2(cx, cy - 0.4 * ry + Double(i) * 0.12 * ry)) }
        for i in 0..<5 { p.append(SIMD2(cx - 0.2 * rx + Double(i) * 0.1 * rx, cy + 0.05 * ry + Double(min(i, 4 - i)) * 2)) }
        // Eyes: 36 outer corner (image left) ... 39 inner corner, 42 inner ... 45 outer corner.
        // Both run left to right along the upper lid, then right to left along the lower lid.
        for centre in [cx - 0.4 * rx, cx + 0.4 * rx] {
            let y = cy - 0.35 * ry
            let w = 0.18 * rx
            p.append(SIMD2(centre - w, y))
            p.append(SIMD2(centre - w / 3, y - 6))
            p.append(SIMD2(centre + w / 3, y - 6))
            p.append(SIMD2(centre + w, y))
            p.append(SIMD2(centre + w / 3, y + 5))
            p.append(SIMD2(centre - w / 3, y + 5))
        }
        // Outer lips 48...59 from the left corner over the top, inner lips 60...67.
        let mouth = SIMD2(cx, cy + 0.45 * ry)
        for i in 0..<12 {
            let angle = Double.pi + Double(i) * Double.pi / 6  // π (left) → 3π/2 (top) → 2π (right) → ...
            p.append(SIMD2(mouth.x + 0.35 * rx * cos(angle), mouth.y + 0.12 * ry * sin(angle)))
        }
        for i in 0..<8 {
            let angle = Double.pi + Double(i) * Double.pi / 4
            p.append(SIMD2(mouth.x + 0.25 * rx * cos(angle), mouth.y + 0.05 * ry * sin(angle)))
        }
        precondition(p.count == 68)
        return p
    }

    /// The face moved by `shift` pixels to the right, for a moving sequence.
    static func points(shift: Double) -> [SIMD2<Double>] {
        points(cx: 320 + shift)
    }

    /// A 3-D version in millimetres (OpenFace's camera frame, face about 600 mm away).
    static func points3D(shift: Double = 0) -> [SIMD3<Double>] {
        points(shift: shift).map { SIMD3(($0.x - 320) * 0.5, ($0.y - 240) * 0.5, 600 + 0.01 * $0.x) }
    }
}

/// Runs `body`, which must throw a `FileError` naming `file` (the path), `location` and a
/// problem containing `fragment`; returns the error.
@discardableResult
func expectFileError(
    _ file: URL, at location: String?, _ fragment: String,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> FileError? {
    do {
        try body()
        Issue.record("expected a FileError containing '\(fragment)', but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as FileError {
        #expect(error.path == file.path, "the error names \(error.path)", sourceLocation: sourceLocation)
        #expect(error.location == location, "the error is at \(error.location ?? "nil"): \(error)", sourceLocation: sourceLocation)
        #expect(error.problem.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix(file.path), sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a FileError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Whether two point lists agree to within `tolerance` pixels everywhere (NaN matching NaN).
func close(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>], tolerance: Double = 1e-9) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { p, q in
        (p.x.isNaN && q.x.isNaN || abs(p.x - q.x) <= tolerance) && (p.y.isNaN && q.y.isNaN || abs(p.y - q.y) <= tolerance)
    }
}

/// A number as Python's `repr` reads it back exactly.
func repr(_ value: Double) -> String { value.isNaN ? "nan" : "\(value)" }
