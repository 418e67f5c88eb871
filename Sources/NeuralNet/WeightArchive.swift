import FaceAtlasCore
import Foundation
import NumPyFormat

/// A network's weights with what describes them: the project's own weight file.
///
/// On disk it is an `.npz` archive that `numpy.load(path)` reads without pickles: one array per
/// state tensor under its PyTorch name (`conv1.weight`, `layer1.0.bn1.running_mean`, …),
/// training state under `training/…` (optimizer velocities, counters), and `meta`, a 0-d unicode
/// array holding JSON (architecture, class names, input size, normalization, training progress).
/// The same content can be written as safetensors (meta under `__metadata__["meta"]`).
public struct WeightArchive {
    /// The network's tensors, in state-dict order.
    public var state: StateDictionary
    /// Training state (optimizer velocities and the like), names without the `training/` prefix.
    public var training: StateDictionary
    /// JSON text describing the weights, if any.
    public var meta: String?

    /// An archive of `state`, optional training state and meta JSON.
    public init(state: StateDictionary, training: StateDictionary = [], meta: String? = nil) {
        self.state = state
        self.training = training
        self.meta = meta
    }

    static let trainingPrefix = "training/"

    /// Reads weights from any supported file, recognized by content: the project's `.npz`,
    /// a PyTorch checkpoint (`.pth`, `.pt`) or safetensors.
    /// - Throws: `FileError` naming the file and what is wrong.
    public static func read(_ url: URL) throws -> WeightArchive {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FileError.missing(url) }
        if ZIPArchiveReader.looksLikeZIP(url) {
            let names = try ZIPArchiveReader.names(url)
            if names.contains(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) {
                return WeightArchive(state: try TorchCheckpoint.readStateDictionary(url))
            }
            return try readNPZ(url)
        }
        if url.pathExtension == "pth" || url.pathExtension == "pt" || TorchCheckpoint.isLegacy(url) {
            return WeightArchive(state: try TorchCheckpoint.readStateDictionary(url))  // the legacy format, or its error
        }
        let (tensors, metadata) = try Safetensors.read(url)
        return WeightArchive(state: tensors.filter { !$0.name.hasPrefix(trainingPrefix) },
                             training: tensors.filter { $0.name.hasPrefix(trainingPrefix) }
                                 .map { (String($0.name.dropFirst(trainingPrefix.count)), $0.tensor) },
                             meta: metadata["meta"])
    }

    /// Reads the project's `.npz` weight file.
    public static func readNPZ(_ url: URL) throws -> WeightArchive {
        var archive = WeightArchive(state: [])
        for (name, array) in try NPZArchive.read(url) {
            if name == "meta" {
                archive.meta = try array.scalarString()
                continue
            }
            let tensor: StateTensor
            switch array.dtype.scalar {
            case .float32, .float64:
                tensor = StateTensor(shape: array.shape, floats: try array.floats())
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .bool:
                tensor = StateTensor(shape: array.shape, int64: try array.ints().map { Int64($0) })
            default:
                throw FileError(url, "the array has type \(array.dtype), not a number type of weights", at: name)
            }
            if name.hasPrefix(trainingPrefix) {
                archive.training.append((String(name.dropFirst(trainingPrefix.count)), tensor))
            } else {
                archive.state.append((name, tensor))
            }
        }
        return archive
    }

    /// Writes the archive as the project's `.npz` file, atomically.
    public func writeNPZ(to url: URL) throws {
        var arrays: [(name: String, array: NumPyArray)] = []
        for (name, tensor) in state { arrays.append((name, Self.array(tensor))) }
        for (name, tensor) in training { arrays.append((Self.trainingPrefix + name, Self.array(tensor))) }
        if let meta { arrays.append(("meta", NumPyArray(string: meta))) }
        try NPZArchive.write(arrays, to: url)
    }

    /// Writes the archive as safetensors, atomically (training tensors under `training/…`).
    public func writeSafetensors(to url: URL) throws {
        let all = state + training.map { (Self.trainingPrefix + $0.name, $0.tensor) }
        try Safetensors.write(all, metadata: meta.map { ["meta": $0] } ?? [:], to: url)
    }

    /// Writes the archive in the format its extension names: `.safetensors`, otherwise `.npz`.
    public func write(to url: URL) throws {
        if url.pathExtension == "safetensors" { try writeSafetensors(to: url) } else { try writeNPZ(to: url) }
    }

    private static func array(_ tensor: StateTensor) -> NumPyArray {
        switch tensor.values {
        case .float32(let v): NumPyArray(float32: v, shape: tensor.shape)
        case .int64(let v): NumPyArray(int64: v, shape: tensor.shape)
        }
    }
}
