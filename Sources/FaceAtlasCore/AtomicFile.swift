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
            throw FileError(url, "cannot write: \(error.localizedDescription)", kind: .inputOutput)
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: temporary)
            throw FileError(url, "cannot move the finished file into place: \(reason)", kind: .cannotCreate)
        }
    }

    /// Writes the folder at `url` as a whole: `body` fills a fresh hidden folder beside it, which then
    /// replaces `url` (an existing folder there is moved aside first and removed only after the swap).
    /// A failure leaves `url` as it was.
    ///
    /// Only a folder this function wrote (it leaves `folderMarker` inside) or an empty one is replaced: a regular
    /// file, or a folder holding anything else (a user's files, the command's own inputs), is refused before any
    /// work starts, so that an output never destroys what it did not create.
    public static func writeFolder(at url: URL, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        try checkReplaceableFolder(url)
        let parent = url.deletingLastPathComponent()
        try createFolder(parent)
        let tag = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(tag)", isDirectory: true)
        try createFolder(staging)
        do {
            try Data("Written by FaceAtlas; the folder is replaced as a whole when the command runs again.\n".utf8)
                .write(to: staging.appendingPathComponent(folderMarker))
            try body(staging)
        } catch {
            try? fm.removeItem(at: staging)
            if error is FileError || error is UsageError { throw error }
            throw FileError(url, "cannot write: \(error.localizedDescription)", kind: .inputOutput)
        }
        var old: URL? = nil
        if fm.fileExists(atPath: url.path) {
            let aside = parent.appendingPathComponent(".\(url.lastPathComponent).old-\(tag)", isDirectory: true)
            if rename(url.path, aside.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(at: staging)
                throw FileError(url, "cannot move the previous folder aside: \(reason)", kind: .cannotCreate)
            }
            old = aside
        }
        if rename(staging.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            if let old { _ = rename(old.path, url.path) }
            try? fm.removeItem(at: staging)
            throw FileError(url, "cannot move the finished folder into place: \(reason)", kind: .cannotCreate)
        }
        if let old { try? fm.removeItem(at: old) }
    }

    /// The file `writeFolder` leaves in every folder it writes, so that it later replaces only its own folders.
    public static let folderMarker = ".faceatlas-output"

    /// Throws unless `url` is free, an empty folder, or a folder `writeFolder` wrote.
    public static func checkReplaceableFolder(_ url: URL) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw FileError(url, "is a file, not a folder: refusing to replace it (choose another output folder)", kind: .cannotCreate)
        }
        let contents = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
        guard contents.isEmpty || contents.contains(folderMarker) else {
            throw FileError(url, "the folder holds files FaceAtlas did not write (\(contents.count) entries): refusing to replace it (choose a new or empty output folder)", kind: .cannotCreate)
        }
    }

    /// Creates `folder` (and its parents) if needed, failing with a `FileError` that names it.
    public static func createFolder(_ folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError(folder, "cannot create the folder: \(error.localizedDescription)", kind: .cannotCreate)
        }
    }

    /// Reads the whole file at `url`, failing with a `FileError` that names it.
    public static func read(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError.missing(url)
        }
        try SpecialFile.check(url)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FileError(url, "cannot read: \(error.localizedDescription)", kind: .inputOutput)
        }
    }
}
