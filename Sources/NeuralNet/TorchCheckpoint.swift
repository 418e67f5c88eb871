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
            if head?.first == 0x80 {
                throw FileError(url, "a PyTorch checkpoint in the legacy (pre-1.6, non-ZIP) format, which FaceAtlas does not read; re-save it with torch.save(obj, path) from PyTorch 1.6 or later")
            }
            throw FileError(url, "not a PyTorch checkpoint: it is not a ZIP archive")
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
