import CGzip
import FaceAtlasCore
import Foundation

/// Inflates gzip streams (the MakeHuman `.target.gz` files) with zlib.
enum Gzip {
    /// The decompressed bytes of the gzip stream `data`; `source` names it in errors.
    static func inflate(_ data: Data, source: String, limit: Int = 256 << 20) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FileError(source, "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = CGzip.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
                if out.count > limit { throw FileError(source, "inflates to more than \(limit) bytes") }
                if status != Z_OK && status != Z_STREAM_END {
                    throw FileError(source, "corrupt gzip data (zlib status \(status))")
                }
                if status == Z_OK && stream.avail_in == 0 && produced == 0 {
                    throw FileError(source, "truncated gzip data")
                }
            } while status != Z_STREAM_END
        }
        return out
    }
}
