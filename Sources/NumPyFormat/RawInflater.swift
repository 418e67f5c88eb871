import CGzip
import Foundation

/// Raw DEFLATE decompression (a ZIP entry's data) with zlib, bounded by the size the entry declares, and
/// zlib's CRC-32. The compressed bytes come in chunks from `read`, so a bomb never lands in memory: output
/// beyond `declared` bytes stops the inflation at once.
enum RawInflater {
    /// Inflates `compressedSize` bytes that `read(offset, count)` returns, expecting exactly `declared` bytes out.
    /// Returns the output and its CRC-32.
    static func inflate(compressedSize: Int, declared: Int, chunkSize: Int, entry: String,
                        read: (Int, Int) throws(ZIPError) -> Data) throws(ZIPError) -> (Data, UInt32) {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ZIPError("cannot start decompressing (zlib)", entry: entry)
        }
        defer { inflateEnd(&stream) }
        var output = Data(count: declared)
        var produced = 0
        var consumed = 0
        var finished = false
        var spare = [UInt8](repeating: 0, count: 1)  // catches output beyond `declared`
        while !finished {
            guard consumed < compressedSize else {
                throw ZIPError("the archive is corrupt: the entry's compressed data ends too soon", entry: entry)
            }
            let count = min(chunkSize, compressedSize - consumed)
            var chunk = try read(consumed, count)
            consumed += count
            let status: Int32 = chunk.withUnsafeMutableBytes { input in
                stream.next_in = input.bindMemory(to: Bytef.self).baseAddress
                stream.avail_in = uInt(input.count)
                var status = Z_OK
                while stream.avail_in > 0 || status == Z_OK {
                    if produced < declared {
                        status = output.withUnsafeMutableBytes { out in
                            stream.next_out = out.bindMemory(to: Bytef.self).baseAddress! + produced
                            stream.avail_out = uInt(declared - produced)
                            let s = CGzip.inflate(&stream, Z_NO_FLUSH)
                            produced = declared - Int(stream.avail_out)
                            return s
                        }
                    } else {
                        status = spare.withUnsafeMutableBytes { out in
                            stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                            stream.avail_out = 1
                            let s = CGzip.inflate(&stream, Z_NO_FLUSH)
                            if stream.avail_out == 0 { produced += 1 }
                            return s
                        }
                    }
                    if produced > declared || status != Z_OK { break }
                    if stream.avail_in == 0 && stream.avail_out > 0 { break }  // needs the next chunk
                }
                return status
            }
            if produced > declared {
                throw ZIPError("the entry unpacks to more than the \(declared) bytes its header declares "
                               + "(a corrupt archive or a zip bomb)", entry: entry)
            }
            switch status {
            case Z_STREAM_END: finished = true
            case Z_OK, Z_BUF_ERROR: continue
            default: throw ZIPError("the archive is corrupt: the entry's compressed data cannot be decompressed", entry: entry)
            }
        }
        guard produced == declared else {
            throw ZIPError("the archive is corrupt: the entry unpacks to \(produced) bytes, not the \(declared) its header declares",
                           entry: entry)
        }
        return (output, crc32(of: output))
    }

    /// The size `data` deflates to (zlib's default level, a sample of at most 1 MiB), as a fraction of its size.
    static func deflatedFraction(of data: Data) -> Double {
        let sample = data.prefix(1 << 20)
        guard !sample.isEmpty else { return 1 }
        var bound = compressBound(uLong(sample.count))
        var out = [UInt8](repeating: 0, count: Int(bound))
        let status = sample.withUnsafeBytes { raw in
            compress2(&out, &bound, raw.bindMemory(to: Bytef.self).baseAddress, uLong(sample.count), Z_DEFAULT_COMPRESSION)
        }
        return status == Z_OK ? Double(bound) / Double(sample.count) : 1
    }

    /// zlib's CRC-32 of `data`.
    static func crc32(of data: Data) -> UInt32 {
        data.withUnsafeBytes { raw -> UInt32 in
            var crc = CGzip.crc32(0, nil, 0)
            var offset = 0
            let base = raw.bindMemory(to: Bytef.self).baseAddress
            while offset < raw.count {
                let n = min(raw.count - offset, Int(Int32.max))
                crc = CGzip.crc32(crc, base! + offset, uInt(n))
                offset += n
            }
            return UInt32(crc)
        }
    }
}
