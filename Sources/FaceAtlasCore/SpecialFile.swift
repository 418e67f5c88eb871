import Foundation

/// Refuses special files (FIFOs, devices, sockets) before a reader opens them: opening a FIFO blocks until
/// someone writes to it, so a wrong path would hang the command.
public enum SpecialFile {
    /// Why the file at `url` cannot be read as a regular file, or nil when it is one (or does not exist).
    public static func problem(_ url: URL) -> String? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "is a FIFO (named pipe), not a regular file"
        case S_IFCHR, S_IFBLK: return "is a device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is not a regular file"
        }
    }

    /// Throws a `FileError` when the file at `url` is a special file.
    public static func check(_ url: URL) throws {
        if let problem = problem(url) { throw FileError(url, problem) }
    }
}
