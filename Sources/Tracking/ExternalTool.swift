import FaceAtlasCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The ffmpeg and ffprobe programs (Debian's `ffmpeg` package), found on `PATH`.
///
/// `FACEATLAS_FFMPEG` and `FACEATLAS_FFPROBE` name other executables when set.
public enum ExternalTool: String, Sendable {
    case ffmpeg, ffprobe

    /// The executable, or a `TrackingError` saying how to install it.
    public func executable() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["FACEATLAS_\(rawValue.uppercased())"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        for folder in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(rawValue)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TrackingError("\(rawValue) is not installed (looked on PATH); run scripts/bootstrap or apt-get install ffmpeg")
    }

    /// Whether the program can be found.
    public var isAvailable: Bool { (try? executable()) != nil }

    /// Runs the program with `arguments` to the end and returns its standard output and exit status;
    /// standard error is returned as text (the last 4 KB).
    func run(_ arguments: [String], input: Data? = nil) throws -> (output: Data, status: Int32, errors: String) {
        let process = try ToolProcess(self, arguments, input: input)
        let output = process.readAll()
        let status = process.wait()
        return (output, status, process.errorText)
    }
}

/// A running ffmpeg or ffprobe: standard output is read through a pipe, standard error goes
/// to a temporary file (so that a chatty program never blocks on it), standard input is
/// `input` or nothing.
final class ToolProcess: @unchecked Sendable {
    private let process = Process()
    private let errorURL: URL
    /// The read end of the program's standard output.
    let output: FileHandle
    private let tool: ExternalTool

    init(_ tool: ExternalTool, _ arguments: [String], input: Data? = nil) throws {
        self.tool = tool
        process.executableURL = try tool.executable()
        process.arguments = arguments
        errorURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("faceatlas-\(tool.rawValue)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw TrackingError("cannot create a temporary file for \(tool.rawValue)'s messages at \(errorURL.path)")
        }
        let pipe = Pipe()
        output = pipe.fileHandleForReading
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: errorURL)
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: errorURL)
            throw TrackingError("cannot start \(tool.rawValue): \(error.localizedDescription)")
        }
        if let inputPipe, let input {
            // Feed standard input from a thread, so that a program writing output first never deadlocks.
            let handle = inputPipe.fileHandleForWriting
            Thread.detachNewThread {
                handle.write(input)
                try? handle.close()
            }
        }
    }

    /// Reads standard output to its end.
    func readAll() -> Data {
        output.readDataToEndOfFile()
    }

    /// Reads up to `count` bytes into `buffer` (fewer only at the end of the output); returns the count read.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var total = 0
        let fd = output.fileDescriptor
        while total < buffer.count {
            let n = Glibc.read(fd, buffer.baseAddress! + total, buffer.count - total)
            if n > 0 {
                total += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                break
            }
        }
        return total
    }

    /// Waits for the program to end and returns its exit status.
    @discardableResult
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// Asks the program to stop early (SIGTERM to this process only), without waiting: it ends
    /// once its pending output is read, and a reader then sees the end of the output.
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// The end of what the program wrote to standard error (at most 4 KB), trimmed.
    var errorText: String {
        guard let data = try? Data(contentsOf: errorURL) else { return "" }
        let tail = data.suffix(4096)
        return String(decoding: tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The program's last error line, for a `FileError`'s problem (the file name prefix ffmpeg adds is dropped).
    func lastErrorLine(path: String) -> String {
        let lines = errorText.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard var line = lines.last else { return "" }
        if line.hasPrefix(path + ": ") { line = String(line.dropFirst(path.count + 2)) }
        return line
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: errorURL)
    }
}
