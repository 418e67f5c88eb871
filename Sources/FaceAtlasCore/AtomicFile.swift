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

    /// Writes the folder at `url` as a whole: `body` fills a fresh hidden folder beside it, which then
    /// replaces `url` (an existing folder there is moved aside first and removed only after the swap).
    /// A failure leaves `url` as it was.
    public static func writeFolder(at url: URL, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        try createFolder(parent)
        let tag = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(tag)", isDirectory: true)
        try createFolder(staging)
        do {
            try body(staging)
        } catch {
            try? fm.removeItem(at: staging)
            if error is FileError || error is UsageError { throw error }
            throw FileError(url, "cannot write: \(error.localizedDescription)")
        }
        var old: URL? = nil
        if fm.fileExists(atPath: url.path) {
            let aside = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(tag)", isDirectory: true)
            if rename(url.path, aside.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(at: staging)
                throw FileError(url, "cannot move the previous folder aside: \(reason)")
            }
            old = aside
        }
        if rename(staging.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            if let old { _ = rename(old.path, url.path) }
            try? fm.removeItem(at: staging)
            throw FileError(url, "cannot move the finished folder into place: \(reason)")
        }
        if let old { try? fm.removeItem(at: old) }
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
