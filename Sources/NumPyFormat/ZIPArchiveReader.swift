import FaceAtlasCore
import Foundation

/// The files of any ZIP archive, read with the same hardened reader as `.npz` archives
/// (checked offsets and sizes, CRC-32, limits against zip bombs, no path traversal,
/// stored and deflated entries only). Other formats built on ZIP use it, such as PyTorch
/// checkpoints.
public enum ZIPArchiveReader {
    /// The entries of the archive at `url` (folders omitted), in archive order, with their bytes.
    /// - Throws: `FileError` naming the file (and the entry, when one is at fault).
    public static func read(_ url: URL, limits: NPZLimits = .default) throws -> [(name: String, data: Data)] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FileError.missing(url) }
        do {
            let source = try FileByteSource(url)
            let directory = try ZIPDirectory(reading: source, maxEntries: limits.maxEntries)
            let files = directory.entries.filter { !$0.name.hasSuffix("/") }
            try NPZArchive.check(files, limits: limits, arraysOnly: false)
            return try files.map { ($0.name, try NPZArchive.extract($0, of: directory, from: source)) }
        } catch let error as ZIPError {
            throw FileError(url, error.problem, at: error.entry)
        }
    }

    /// The names of the files in the archive at `url` (folders omitted), from its central directory only.
    /// - Throws: `FileError` naming the file when its table of contents is damaged.
    public static func names(_ url: URL, limits: NPZLimits = .default) throws -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FileError.missing(url) }
        let directory: ZIPDirectory
        do {
            directory = try ZIPDirectory(reading: try FileByteSource(url), maxEntries: limits.maxEntries)
        } catch {
            throw FileError(url, error.problem, at: error.entry)
        }
        return directory.entries.map(\.name).filter { !$0.hasSuffix("/") }
    }

    /// Whether the file at `url` starts like a ZIP archive (a local file header or an empty archive).
    public static func looksLikeZIP(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return head == Data([0x50, 0x4B, 0x03, 0x04]) || head == Data([0x50, 0x4B, 0x05, 0x06])
    }
}
