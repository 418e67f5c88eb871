import Foundation

/// Runs external programs for tests.
public enum TestProcess {
    /// A program that exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The exit status (0 when the program did not run to an exit).
        public var status: Int32 = 0
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
            throw Failure(description: "\(arguments.prefix(3).joined(separator: " ")) exited with status \(process.terminationStatus): \(stderr.suffix(800))",
                          status: process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The `faceatlas` executable built beside the test bundle, for command-line tests.
public enum FaceAtlasCLI {
    /// The executable, if the build made one.
    public static let executable: URL? = {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("faceatlas")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }()

    /// Runs `faceatlas` with `arguments` and returns its standard output (throws on a non-zero exit).
    public static func run(_ arguments: [String], timeout: Int = 600) throws -> String {
        guard let executable else { throw TestProcess.Failure(description: "faceatlas is not built") }
        return try TestProcess.run([executable.path] + arguments, timeout: timeout)
    }
}

extension FaceAtlasCLI {
    /// What one run of the executable did.
    public struct Outcome: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var output: String
        /// Standard error.
        public var error: String
    }

    /// Runs `faceatlas` with `arguments` (standard input closed, standard error not a terminal) and returns its
    /// exit status and both streams, whatever the status.
    public static func invoke(_ arguments: [String], timeout: Int = 120) throws -> Outcome {
        guard let executable else { throw TestProcess.Failure(description: "faceatlas is not built") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-invoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout.txt"), errURL = folder.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", String(timeout), executable.path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                       error: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
