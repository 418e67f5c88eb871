import FaceAtlasCore
import Foundation
import ZIPFoundation

/// NumPy `.npz` archives: ZIP archives of `.npy` files, one per named array, as
/// written by `numpy.savez` and `numpy.savez_compressed` and read by `numpy.load`.
///
/// Reading refuses, with a `FileError` naming the archive and the entry, anything
/// that is not a plain archive of arrays: entries that are not `.npy` files,
/// absolute paths or paths with "..", duplicate names, encrypted entries, sizes
/// beyond `NPZLimits`, and damaged or truncated archives.
public enum NPZArchive {
    /// Reads every array of the archive at `url`, in archive order, named without ".npy".
    /// - Throws: `FileError` naming the file (and the entry, when one is at fault).
    public static func read(_ url: URL, limits: NPZLimits = .default) throws -> [(name: String, array: NumPyArray)] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FileError.missing(url) }
        let source: FileByteSource
        do {
            source = try FileByteSource(url)
        } catch {
            throw FileError(url, error.problem, at: error.entry)
        }
        return try read(source, path: url.path, limits: limits)
    }

    /// Reads every array of an archive held in memory, in archive order, named without ".npy".
    /// - Parameter source: the file the bytes came from, named in errors.
    /// - Throws: `FileError` naming `source` (and the entry, when one is at fault).
    public static func read(data: Data, source: String, limits: NPZLimits = .default) throws
        -> [(name: String, array: NumPyArray)] {
        try read(MemoryByteSource(data: data), path: source, limits: limits)
    }

    /// Reads every array of the archive at `url`, keyed by name (without ".npy").
    /// - Throws: `FileError` naming the file (and the entry, when one is at fault).
    public static func readDictionary(_ url: URL, limits: NPZLimits = .default) throws -> [String: NumPyArray] {
        // Names are unique: `read` refuses duplicates.
        Dictionary(try read(url, limits: limits).map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
    }

    /// Writes `arrays` to `url` as an `.npz` archive, atomically: each array becomes the
    /// entry "<name>.npy" (C order, little-endian), stored, or deflated if `compressed` — except entries that
    /// deflate would shrink by less than a fifth (dense floating-point data), which are stored even then, so that
    /// reading them costs no decompression.
    ///
    /// Entries carry a fixed date (1980-01-01), so the same arrays always give the same bytes.
    /// - Throws: `FileError` for a name that is duplicated, absolute or contains "..",
    ///   an array whose bytes do not fit its shape, or a failure to write.
    public static func write(_ arrays: [(name: String, array: NumPyArray)], to url: URL, compressed: Bool = false) throws {
        var seen = Set<String>()
        for (name, array) in arrays {
            let entryName = name + ".npy"
            if let problem = pathProblem(entryName) { throw FileError(url, "cannot write: \(problem)", at: entryName) }
            guard seen.insert(entryName).inserted else {
                throw FileError(url, "cannot write: two arrays are named '\(name)'", at: entryName)
            }
            do {
                _ = try array.checkedCount()
            } catch {
                throw FileError(url, "cannot write: \(error)", at: entryName)
            }
        }
        try AtomicFile.write(to: url) { temporary in
            let archive: Archive
            do {
                archive = try Archive(url: temporary, accessMode: .create)
            } catch {
                throw FileError(url, "cannot create the archive: \(error)")
            }
            for (name, array) in arrays {
                let data = NPYFormat.encode(array)
                let deflate = compressed && RawInflater.deflatedFraction(of: data) < 0.8
                do {
                    try archive.addEntry(
                        with: name + ".npy", type: .file, uncompressedSize: Int64(data.count),
                        modificationDate: fixedDate, permissions: 0o644,
                        compressionMethod: deflate ? .deflate : .none, bufferSize: chunkSize
                    ) { position, size in
                        let start = min(Int(position), data.count)
                        return data.subdata(in: start..<min(start + size, data.count))
                    }
                } catch {
                    throw FileError(url, "cannot write the entry: \(error)", at: name + ".npy")
                }
            }
        }
    }

    // MARK: - Reading

    /// The modification date written for every entry: 1980-01-01 00:00 UTC, the
    /// earliest date a ZIP archive can hold.
    static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    /// The size of the chunks read and decompressed at a time.
    static let chunkSize = 1 << 16

    static func read(_ source: ByteSource, path: String, limits: NPZLimits) throws -> [(name: String, array: NumPyArray)] {
        do {
            let directory = try ZIPDirectory(reading: source, maxEntries: limits.maxEntries)
            try check(directory.entries, limits: limits)
            var arrays: [(name: String, array: NumPyArray)] = []
            arrays.reserveCapacity(directory.entries.count)
            for entry in directory.entries {
                let bytes = try extract(entry, of: directory, from: source)
                let array = try NPYFormat.decode(bytes, path: path, location: entry.name)
                arrays.append((String(entry.name.dropLast(4)), array))
            }
            return arrays
        } catch let error as ZIPError {
            throw FileError(path, error.problem, at: error.entry)
        }
    }

    /// Refuses entries that are not arrays, unsafe or duplicated names, and sizes beyond `limits`.
    static func check(_ entries: [ZIPEntry], limits: NPZLimits, arraysOnly: Bool = true) throws(ZIPError) {
        var seen = Set<String>()
        var total = 0
        for entry in entries {
            guard !arraysOnly || entry.name.hasSuffix(".npy") else {
                throw ZIPError("the entry is not a .npy file; FaceAtlas reads only arrays from .npz archives",
                               entry: entry.name)
            }
            if let problem = pathProblem(entry.name) { throw ZIPError(problem, entry: entry.name) }
            guard seen.insert(entry.name).inserted else {
                throw ZIPError("the archive holds more than one entry with this name", entry: entry.name)
            }
            guard entry.uncompressedSize <= limits.maxEntryBytes else {
                throw ZIPError("the entry unpacks to \(entry.uncompressedSize) bytes, more than the limit of "
                               + "\(limits.maxEntryBytes)", entry: entry.name)
            }
            let (sum, overflow) = total.addingReportingOverflow(entry.uncompressedSize)
            guard !overflow, sum <= limits.maxTotalBytes else {
                throw ZIPError("the archive unpacks to more than the limit of \(limits.maxTotalBytes) bytes",
                               entry: entry.name)
            }
            total = sum
        }
    }

    /// Why an entry path is unsafe (absolute, "..", NUL), or `nil` if it is not.
    static func pathProblem(_ path: String) -> String? {
        if path.contains("\0") { return "the entry name contains a NUL character" }
        let first = path.unicodeScalars.first
        let second = path.unicodeScalars.dropFirst().first
        if first == "/" || first == "\\" || (first.map { $0.isASCII && $0.properties.isAlphabetic } == true && second == ":") {
            return "the entry has an absolute path, which could write outside a folder (path traversal)"
        }
        if path.split(separator: "/", omittingEmptySubsequences: false)
            .flatMap({ $0.split(separator: "\\", omittingEmptySubsequences: false) })
            .contains(where: { $0 == ".." }) {
            return "the entry path contains '..', which could write outside a folder (path traversal)"
        }
        return nil
    }

    /// The uncompressed bytes of `entry`, checked against its declared size and CRC-32.
    static func extract(_ entry: ZIPEntry, of directory: ZIPDirectory, from source: ByteSource) throws(ZIPError) -> Data {
        let start = try directory.dataOffset(of: entry, in: source)
        let data: Data
        let checksum: CRC32
        if entry.method == ZIPEntry.stored {
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ZIPError("the archive is corrupt: the stored entry's sizes disagree", entry: entry.name)
            }
            data = try source.read(at: start, count: entry.compressedSize)
            checksum = CRC32(RawInflater.crc32(of: data))
        } else {
            (data, checksum) = try inflate(entry, at: start, from: source)
        }
        guard checksum == entry.crc32 else {
            throw ZIPError("the archive is corrupt: the entry's CRC-32 checksum does not match", entry: entry.name)
        }
        return data
    }

    /// Decompresses a deflated entry with zlib, feeding it only the entry's own compressed bytes and stopping as
    /// soon as the output exceeds the declared size (`RawInflater`).
    private static func inflate(_ entry: ZIPEntry, at start: Int, from source: ByteSource)
        throws(ZIPError) -> (Data, CRC32) {
        // Deflate expands at most about 1032 times, so a larger declared size is a lie.
        let plausible = entry.compressedSize.multipliedReportingOverflow(by: 1032)
        guard plausible.overflow || entry.uncompressedSize <= plausible.partialValue else {
            throw ZIPError("the entry declares \(entry.uncompressedSize) bytes from \(entry.compressedSize) compressed bytes, "
                           + "more than deflate can produce (a corrupt archive or a zip bomb)", entry: entry.name)
        }
        let (data, crc) = try RawInflater.inflate(compressedSize: entry.compressedSize, declared: entry.uncompressedSize,
                                                  chunkSize: chunkSize, entry: entry.name) { (offset, count) throws(ZIPError) in
            try source.read(at: start + offset, count: count)
        }
        return (data, CRC32(crc))
    }
}
