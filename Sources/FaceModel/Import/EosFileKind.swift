import FaceAtlasCore
import Foundation

/// The files of an eos model (as in eos's `share/` folder) that `SurreyModelImporter` reads,
/// told apart by their contents, so that a file given in the wrong place is named for what it
/// is rather than misread.
public enum EosFileKind: String, Sendable, CaseIterable {
    /// A `MorphableModel` (cereal binary, `eos::morphablemodel::save_model`), e.g. `sfm_shape_3448.bin`.
    case morphableModel
    /// A `std::vector<Blendshape>` (cereal binary), e.g. `expression_blendshapes_3448.bin`.
    case blendshapes
    /// An `EdgeTopology` (cereal JSON, `edge_topology`), e.g. `sfm_3448_edge_topology.json`.
    case edgeTopology
    /// A model contour (JSON, `model_contour`), e.g. `sfm_model_contours.json`.
    case modelContour
    /// An iBUG landmark mapping (TOML `[landmark_mappings]`, or the older `landmarkMappings { … }`), e.g. `ibug_to_sfm.txt`.
    case landmarkMapping

    /// What the file is, for messages, e.g. "an eos blendshapes file".
    public var name: String {
        switch self {
        case .morphableModel: "an eos morphable model"
        case .blendshapes: "an eos blendshapes file"
        case .edgeTopology: "an eos edge topology file"
        case .modelContour: "an eos model contour file"
        case .landmarkMapping: "an eos landmark mapping file"
        }
    }

    /// How the file is written, for messages.
    public var format: String {
        switch self {
        case .morphableModel: "a cereal binary MorphableModel, as eos's save_model writes"
        case .blendshapes: "a cereal binary list of Blendshapes, as eos's load_blendshapes reads"
        case .edgeTopology: "JSON 'edge_topology', as eos's load_edge_topology reads"
        case .modelContour: "JSON 'model_contour', as eos's ModelContour.load reads"
        case .landmarkMapping: "iBUG landmark numbers to vertices, as eos's LandmarkMapper reads"
        }
    }

    /// Where `faceatlas model import` takes the file.
    public var importOption: String {
        switch self {
        case .morphableModel: "the MODEL argument"
        case .blendshapes: "--blendshapes"
        case .edgeTopology: "--edge-topology"
        case .modelContour: "--contour"
        case .landmarkMapping: "--landmark-mapping"
        }
    }

    /// The kind of eos file `data` holds, or `nil` if it is none of them.
    ///
    /// JSON is told apart by its top-level key, a mapping by reading it as one, and the binary
    /// files by reading them completely (a blendshapes list or a model must account for every byte).
    public static func identify(_ data: Data) -> EosFileKind? {
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        if firstByte == UInt8(ascii: "{"),
           let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            if root["edge_topology"] is [String: Any] { return .edgeTopology }
            if root["model_contour"] is [String: Any] { return .modelContour }
            return nil
        }
        if let text = String(data: data, encoding: .utf8), text.contains("[landmark_mappings]") || text.contains("landmarkMappings"),
           (try? LandmarkMappingFile.parse(data, path: "")) != nil {
            return .landmarkMapping
        }
        if (try? EosBlendshapesFile.parse(data, path: "")) != nil { return .blendshapes }
        if (try? EosMorphableModel.parse(data, path: "")) != nil { return .morphableModel }
        return nil
    }

    /// The kind of eos file at `url`, or `nil` if it is none of them or cannot be read.
    public static func identify(contentsOf url: URL) -> EosFileKind? {
        (try? AtomicFile.read(url)).flatMap { identify($0) }
    }

    /// An error for `path` if `data` is a different kind of eos file than `expected`, saying
    /// what it is and where it goes; `nil` if it is not recognisably another eos file.
    static func misplacedFileError(_ data: Data, path: String, expected: EosFileKind) -> FileError? {
        guard let kind = identify(data), kind != expected else { return nil }
        var what = kind.format
        switch kind {
        case .blendshapes:
            if let shapes = try? EosBlendshapesFile.parse(data, path: path) {
                let names = shapes.prefix(8).map(\.name).joined(separator: ", ") + (shapes.count > 8 ? ", …" : "")
                what = "\(shapes.count) blendshape\(shapes.count == 1 ? "" : "s") of \(shapes[0].deformation.count / 3) vertices: \(names)"
            }
        case .morphableModel:
            if let model = try? EosMorphableModel.parse(data, path: path) {
                what = "MorphableModel class version \(model.version.map(String.init) ?? "none"), \(model.shape.mean.count / 3) vertices"
            }
        default:
            break
        }
        let advice: String
        switch kind {
        case .blendshapes:
            advice = "give it with --blendshapes, next to a shape-only model (faceatlas model import sfm_shape_3448.bin --blendshapes \(URL(fileURLWithPath: path).lastPathComponent) …)"
        case .morphableModel:
            advice = "give it as the model to import (faceatlas model import \(URL(fileURLWithPath: path).lastPathComponent) …)"
        default:
            advice = "give it with \(kind.importOption) (faceatlas model import MODEL.bin \(kind.importOption) \(URL(fileURLWithPath: path).lastPathComponent) …)"
        }
        return FileError(path, "this is \(kind.name) (\(what)), not \(expected.name): \(advice)")
    }
}
