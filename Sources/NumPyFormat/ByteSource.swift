import FaceAtlasCore
import Foundation

/// Random access to the bytes of a file or of data in memory, so that an archive can
/// be read one piece at a time.
protocol ByteSource {
    /// The number of bytes.
    var size: Int { get }
    /// Exactly `count` bytes starting at `offset`.
    /// - Throws: `ZIPError` if the range is not inside the source or cannot be read.
    func read(at offset: Int, count: Int) throws(ZIPError) -> Data
}

extension ByteSource {
    /// Checks that `offset..<offset+count` lies inside the source.
    func checkRange(_ offset: Int, _ count: Int) throws(ZIPError) {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard offset >= 0, count >= 0, !overflow, end <= size else {
            throw ZIPError("the archive is truncated or corrupt: it refers to bytes past its end")
        }
    }
}

/// Bytes in memory.
struct MemoryByteSource: ByteSource {
    let data: Data

    var size: Int { data.count }

    func read(at offset: Int, count: Int) throws(ZIPError) -> Data {
        try checkRange(offset, count)
        let start = data.startIndex + offset
        return Data(data[start..<(start + count)])
    }
}

/// Bytes of a file, read on demand.
final class FileByteSource: ByteSource {
    private let handle: FileHandle
    let size: Int

    /// Opens the file at `url` for reading.
    init(_ url: URL) throws(ZIPError) {
        if let problem = SpecialFile.problem(url) { throw ZIPError(problem) }
        do {
            handle = try FileHandle(forReadingFrom: url)
            let end = try handle.seekToEnd()
            guard let size = Int(exactly: end) else { throw ZIPError("the file is too large") }
            self.size = size
        } catch let error as ZIPError {
            throw error
        } catch {
            throw ZIPError("cannot read: \(error.localizedDescription)")
        }
    }

    deinit {
        try? handle.close()
    }

    func read(at offset: Int, count: Int) throws(ZIPError) -> Data {
        try checkRange(offset, count)
        guard count > 0 else { return Data() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: count) ?? Data()
            guard data.count == count else {
                throw ZIPError("the file is truncated: it ended while being read")
            }
            return data
        } catch let error as ZIPError {
            throw error
        } catch {
            throw ZIPError("cannot read: \(error.localizedDescription)")
        }
    }
}
