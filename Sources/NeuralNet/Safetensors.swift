import FaceAtlasCore
import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping names to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data
/// that follows the header) and optional `"__metadata__"` strings, then the raw little-endian data.
///
/// Reading checks everything against the file: the header length, that the header is a JSON
/// object, known dtypes, shapes that match the byte ranges, ranges inside the data that neither
/// overlap nor leave holes. F32, F16, BF16 and F64 become float32; I64, I32, I16, I8, U8 and BOOL
/// become int64. Writing uses F32 and I64 and pads the header with spaces to 8 bytes.
public enum Safetensors {
    /// The largest header accepted (100 MB, as the reference implementation).
    public static let maxHeaderBytes = 100_000_000

    /// Reads the tensors (in data order) and the `__metadata__` strings of the file at `url`.
    /// - Throws: `FileError` naming the file and, where one is at fault, the tensor.
    public static func read(_ url: URL) throws -> (tensors: StateDictionary, metadata: [String: String]) {
        try decode(AtomicFile.read(url), source: url.path)
    }

    /// Decodes safetensors bytes; `source` names the file in errors.
    public static func decode(_ bytes: Data, source: String) throws -> (tensors: StateDictionary, metadata: [String: String]) {
        let data = [UInt8](bytes)
        guard data.count >= 8 else { throw FileError(source, "not a safetensors file: shorter than its 8-byte header length") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(data[i]) << (8 * i) }
        guard headerLength > 0, headerLength <= maxHeaderBytes, headerLength <= data.count - 8 else {
            throw FileError(source, "not a safetensors file, or a truncated one: the header length \(headerLength) does not fit the file of \(data.count) bytes")
        }
        let headerBytes = Data(data[8..<(8 + headerLength)])
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes), let header = object as? [String: Any] else {
            throw FileError(source, "the safetensors header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataCount = data.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw FileError(source, "the safetensors __metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeValues = info["shape"] as? [NSNumber], let offsets = info["data_offsets"] as? [NSNumber],
                  offsets.count == 2 else {
                throw FileError(source, "the tensor needs dtype, shape and two data_offsets", at: name)
            }
            let shape = shapeValues.map(\.intValue)
            guard shapeValues.allSatisfy({ $0.doubleValue >= 0 && $0.doubleValue == Double($0.intValue) }) else {
                throw FileError(source, "the shape \(shapeValues) is not a list of non-negative integers", at: name)
            }
            guard let size = elementSize[dtype] else {
                throw FileError(source, "unsupported dtype '\(dtype)' (FaceAtlas reads \(elementSize.keys.sorted().joined(separator: ", ")))", at: name)
            }
            let begin = offsets[0].intValue, end = offsets[1].intValue
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw FileError(source, "data_offsets [\(begin), \(end)] lie outside the \(dataCount) data bytes", at: name)
            }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw FileError(source, "the shape \(shape) is too large", at: name) }
                count = product
            }
            guard count.multipliedReportingOverflow(by: size) == (end - begin, false) else {
                throw FileError(source, "shape \(shape) of \(dtype) needs \(count * size) bytes, but data_offsets span \(end - begin)", at: name)
            }
            entries.append((name, dtype, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        for entry in entries {
            guard entry.begin == position else {
                throw FileError(source, entry.begin < position ? "the tensor's data overlaps another tensor's" : "the data has a hole before this tensor", at: entry.name)
            }
            position = entry.end
        }
        guard position == dataCount else {
            throw FileError(source, "the file has \(dataCount - position) bytes after the last tensor's data")
        }
        let tensors: StateDictionary = data.withUnsafeBytes { buffer in
            entries.map { entry in
                let raw = UnsafeRawBufferPointer(rebasing: buffer[(dataStart + entry.begin)..<(dataStart + entry.end)])
                return (entry.name, ElementDecoding.tensor(raw, dtype: entry.dtype, shape: entry.shape))
            }
        }
        return (tensors, metadata)
    }

    /// Writes `tensors` (float32 as F32, int64 as I64) and `metadata` to `url`, atomically.
    /// - Throws: `FileError` for duplicate names or a failure to write.
    public static func write(_ tensors: StateDictionary, metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata, destination: url.path), to: url)
    }

    /// The safetensors bytes of `tensors` and `metadata`; `destination` names the file in errors.
    public static func encode(_ tensors: StateDictionary, metadata: [String: String] = [:], destination: String) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data()
        for (name, tensor) in tensors {
            guard header[name] == nil, name != "__metadata__" else {
                throw FileError(destination, "cannot write: two tensors are named '\(name)'")
            }
            let begin = body.count
            let dtype: String
            switch tensor.values {
            case .float32(let values):
                dtype = "F32"
                values.withUnsafeBufferPointer { body.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
            case .int64(let values):
                dtype = "I64"
                values.withUnsafeBufferPointer { body.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: UInt8.self), count: $0.count * 8)) }
            }
            header[name] = ["dtype": dtype, "shape": tensor.shape, "data_offsets": [begin, body.count]] as [String: Any]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }

    /// Bytes per element of each dtype read.
    static let elementSize: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
    ]
}
