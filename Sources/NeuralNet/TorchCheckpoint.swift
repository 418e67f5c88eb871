import FaceAtlasCore
import Foundation
import NumPyFormat

/// PyTorch checkpoints (`.pth`, `.pt`) in the ZIP layout of `torch.save` since PyTorch 1.6:
/// `<prefix>/data.pkl` (the pickled object), `<prefix>/data/<key>` (one file per storage) and
/// `<prefix>/byteorder`.
///
/// The pickle is read by `RestrictedUnpickler`: tensors and plain containers only, so a file
/// cannot run code. The ZIP is read by the hardened reader of `.npz` archives.
public enum TorchCheckpoint {
    /// The object pickled in the checkpoint at `url`.
    /// - Throws: `FileError` naming the file for a damaged archive, a refused global or opcode, or
    ///   storages that do not match their description.
    public static func readObject(_ url: URL) throws -> PickleValue {
        if !ZIPArchiveReader.looksLikeZIP(url) {
            let head = (try? FileHandle(forReadingFrom: url).read(upToCount: 2)) ?? nil
            guard head?.first == 0x80 else { throw FileError(url, "not a PyTorch checkpoint: it is not a ZIP archive") }
            return try readLegacy(url)
        }
        let files = try ZIPArchiveReader.read(url)
        let pickles = files.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw FileError(url, pickles.isEmpty ? "not a PyTorch checkpoint: the archive has no data.pkl"
                                                 : "the archive holds more than one data.pkl")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        var byName: [String: Data] = [:]
        for file in files { byName[file.name] = file.data }
        var bigEndian = false
        if let order = byName[prefix + "byteorder"] {
            switch String(decoding: order, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) {
            case "little": bigEndian = false
            case "big": bigEndian = true
            case let other: throw FileError(url, "unknown byte order '\(other)'", at: prefix + "byteorder")
            }
        }
        var unpickler = RestrictedUnpickler { key, dtype, count in
            let entry = prefix + "data/" + key
            guard let bytes = byName[entry] else {
                throw PickleError(message: "the storage '\(key)' is missing from the archive (no \(entry))")
            }
            let size = Safetensors.elementSize[dtype] ?? 1
            guard bytes.count == count * size else {
                throw PickleError(message: "the storage '\(key)' holds \(bytes.count) bytes, not the \(count) × \(size) its description needs")
            }
            return TorchStorage(dtype: dtype, bytes: bytes)
        }
        unpickler.bigEndian = bigEndian
        do {
            return try unpickler.load(pickle.data)
        } catch let error as PickleError {
            throw FileError(url, error.message, at: pickle.name)
        }
    }

    /// Whether the file at `url` starts with the legacy format's magic number.
    public static func isLegacy(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return ((try? handle.read(upToCount: legacyMagic.count)) ?? nil).map { [UInt8]($0) == legacyMagic } ?? false
    }

    /// The legacy format's magic number pickle (protocol 2, LONG1 0x1950a86a20f9469cfc6c).
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]

    /// Reads the legacy (before PyTorch 1.6) format: pickles of the magic number, the protocol version
    /// 1001 and system information, then the object (storages as persistent ids), then the list of storage
    /// keys, then each storage as an 8-byte little-endian element count and its bytes.
    static func readLegacy(_ url: URL) throws -> PickleValue {
        let bytes = [UInt8](try AtomicFile.read(url))
        guard bytes.starts(with: legacyMagic) else {
            throw FileError(url, "not a PyTorch checkpoint: neither a ZIP archive nor the legacy format (its magic number is missing)")
        }
        do {
            var plain = RestrictedUnpickler { _, _, _ in throw PickleError(message: "a storage where none may be") }
            let (version, afterVersion) = try plain.load(bytes, from: legacyMagic.count)
            guard case .int(1001) = version else { throw PickleError(message: "the legacy protocol version is not 1001") }
            let (info, objectStart) = try plain.load(bytes, from: afterVersion)
            var bigEndian = false
            if case .dict(let system) = info, case .bool(let little)? = system["little_endian"] { bigEndian = !little }
            // First pass: learn each storage's type and size (the bytes follow the object).
            var described: [String: (dtype: String, count: Int)] = [:]
            var recorder = RestrictedUnpickler { key, dtype, count in
                described[key] = (dtype, count)
                let size = Safetensors.elementSize[dtype] ?? 1
                guard count <= bytes.count / size else { throw PickleError(message: "the storage '\(key)' is larger than the file") }
                return TorchStorage(dtype: dtype, bytes: Data(count: count * size))
            }
            let (_, afterObject) = try recorder.load(bytes, from: objectStart)
            let (keyList, afterKeys) = try plain.load(bytes, from: afterObject)
            guard case .list(let keys) = keyList else { throw PickleError(message: "the legacy storage key list is missing") }
            var storages: [String: Data] = [:]
            var position = afterKeys
            for keyValue in keys.items {
                guard case .string(let key) = keyValue, let description = described[key] else {
                    throw PickleError(message: "the legacy storage key list names a storage the object does not use")
                }
                guard position + 8 <= bytes.count else { throw PickleError(message: "the file is truncated in storage '\(key)'") }
                var count = 0
                for i in 0..<8 { count |= Int(bytes[position + i]) << (8 * i) }
                let size = Safetensors.elementSize[description.dtype] ?? 1
                guard count == description.count, count <= (bytes.count - position - 8) / size else {
                    throw PickleError(message: "the storage '\(key)' holds \(count) elements where \(description.count) are described, or runs past the end")
                }
                storages[key] = Data(bytes[(position + 8)..<(position + 8 + count * size)])
                position += 8 + count * size
            }
            var reader = RestrictedUnpickler { key, dtype, _ in
                guard let data = storages[key] else { throw PickleError(message: "the storage '\(key)' is missing from the file") }
                return TorchStorage(dtype: dtype, bytes: data)
            }
            reader.bigEndian = bigEndian
            return try reader.load(bytes, from: objectStart).value
        } catch let error as PickleError {
            throw FileError(url, error.message, at: "legacy pickle")
        }
    }

    /// The tensors of the checkpoint at `url`: a state dict itself, or the `model_state_dict` or
    /// `state_dict` entry of a training checkpoint (the Emoface layout); a `module.` prefix on every
    /// name (from `DataParallel`) is removed.
    /// - Throws: `FileError` naming the file when the object is not such a dictionary of tensors.
    public static func readStateDictionary(_ url: URL) throws -> StateDictionary {
        guard case .dict(let top) = try readObject(url) else {
            throw FileError(url, "the checkpoint does not hold a dictionary of tensors")
        }
        var dictionary = top
        for key in ["model_state_dict", "state_dict"] {
            if case .dict(let inner)? = top[key] { dictionary = inner; break }
        }
        var state: StateDictionary = []
        for (key, value) in dictionary.entries {
            guard case .string(let name) = key else { throw FileError(url, "the state dict has a key that is not a string") }
            guard case .tensor(let tensor) = value else {
                throw FileError(url, "the entry is \(value.kind), not a tensor; is this a state dict?", at: name)
            }
            state.append((name, tensor))
        }
        if !state.isEmpty && state.allSatisfy({ $0.name.hasPrefix("module.") }) {
            state = state.map { (String($0.name.dropFirst("module.".count)), $0.tensor) }
        }
        return state
    }
}
