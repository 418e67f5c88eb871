import FaceAtlasCore
import Foundation
import NeuralNet

/// The description stored in a diagnoser's weight file (`meta`, JSON).
public struct DiagnoserMeta: Codable, Sendable {
    /// Always "faceatlas-diagnoser".
    public var format = "faceatlas-diagnoser"
    public var version = 1
    /// "resnet18-attention": ResNet-18, fc head and sigmoid attention.
    public var architecture = "resnet18-attention"
    public var configuration: DiagnoserConfiguration
    /// Training progress, present in checkpoints written during training.
    public var training: TrainingState?

    public init(configuration: DiagnoserConfiguration, training: TrainingState? = nil) {
        self.configuration = configuration
        self.training = training
    }
}

/// Where training stands: enough to resume it.
public struct TrainingState: Codable, Sendable {
    public var settings: TrainingSettings
    /// Epochs completed.
    public var epochsDone: Int
    public var history: [EpochReport]
    /// The training frames (paths) in order, so resumed training sees the same set.
    public var trainFrames: [String]
}

/// Reading and writing diagnosers: the project's `.npz` (or `.safetensors`) with meta, and
/// PyTorch checkpoints of the Emoface/Self-Cure Network model.
public enum DiagnoserFile {
    /// Writes `diagnoser` (and optional training state: optimizer velocities, current labels) to `url`, atomically.
    public static func write(_ diagnoser: Diagnoser, training: TrainingState? = nil, extra: StateDictionary = [], to url: URL) throws {
        let meta = DiagnoserMeta(configuration: diagnoser.configuration, training: training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(meta), as: UTF8.self)
        try WeightArchive(state: diagnoser.stateDictionary(), training: extra, meta: json).write(to: url)
    }

    /// Reads a diagnoser from any weight file.
    ///
    /// The project's files carry their configuration. Files without one (PyTorch checkpoints of the
    /// Emoface model, safetensors from elsewhere) are taken as a 224×224 ResNet-18 whose width and
    /// classes follow from `conv1.weight` and `fc.weight`, with class names `classes` (MDD, BD, HC
    /// for three classes by default).
    /// - Throws: `FileError` naming the file when it is unreadable or its tensors do not fit.
    public static func read(_ url: URL, classes: [String]? = nil) throws -> (diagnoser: Diagnoser, meta: DiagnoserMeta, training: StateDictionary) {
        let archive = try WeightArchive.read(url)
        let state = StateNames.normalized(archive.state)
        var meta: DiagnoserMeta
        if let text = archive.meta {
            do {
                meta = try JSONDecoder().decode(DiagnoserMeta.self, from: Data(text.utf8))
            } catch {
                throw FileError(url, "the meta is not a FaceAtlas diagnoser description: \(error)")
            }
        } else {
            guard let conv = state.first(where: { $0.name == "conv1.weight" })?.tensor, conv.shape.count == 4,
                  let fc = state.first(where: { $0.name == "fc.weight" })?.tensor, fc.shape.count == 2 else {
                throw FileError(url, "the weights have no conv1.weight and fc.weight: not a ResNet-18 diagnoser")
            }
            let count = fc.shape[0]
            let names = classes ?? (count == 3 ? ["MDD", "BD", "HC"] : (0..<count).map { "class\($0)" })
            guard names.count == count else {
                throw FileError(url, "the head has \(count) classes, but \(names.count) class names were given")
            }
            meta = DiagnoserMeta(configuration: DiagnoserConfiguration(classes: names, baseWidth: conv.shape[0]))
        }
        if let classes, classes.count == meta.configuration.classes.count { meta.configuration.classes = classes }
        let diagnoser = Diagnoser(meta.configuration)
        try diagnoser.load(state, source: url.path)
        return (diagnoser, meta, archive.training)
    }

    /// Replaces the backbone of `diagnoser` with a ResNet-18's (e.g. torchvision's ImageNet weights);
    /// the ResNet's `fc` is ignored, the head keeps its initialization.
    /// - Throws: `FileError` naming the file when the backbone tensors are missing or do not fit.
    public static func loadBackbone(_ diagnoser: Diagnoser, from url: URL) throws {
        let state = StateNames.normalized(try WeightArchive.read(url).state).filter { !$0.name.hasPrefix("fc.") && !$0.name.hasPrefix("alpha.") }
        try diagnoser.backbone.load(state, source: url.path)
    }
}
