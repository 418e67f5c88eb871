import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary
/// file beside the destination, which is then renamed into place.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating the parent folder when needed.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { temporary in
            try data.write(to: temporary)
        }
    }

    /// Writes the file at `url` atomically: `body` fills a temporary file at the URL it
    /// is given, and the file is renamed to `url` only if `body` returns normally.
    public static func write(to url: URL, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        try createFolder(folder)
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        )
        do {
            try body(temporary)
        } catch {
            try? fm.removeItem(at: temporary)
            if error is FileError { throw error }
            throw FileError(url, "cannot write: \(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: temporary)
            throw FileError(url, "cannot move the finished file into place: \(reason)")
        }
    }

    /// Creates `folder` (and its parents) if needed, failing with a `FileError` that names it.
    public static func createFolder(_ folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError(folder, "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// Reads the whole file at `url`, failing with a `FileError` that names it.
    public static func read(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError(url, "no such file")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FileError(url, "cannot read: \(error.localizedDescription)")
        }
    }
}
