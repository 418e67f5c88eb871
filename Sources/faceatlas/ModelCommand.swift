import ArgumentParser
import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Mesh
import ModelAuthoring
import Render

/// `faceatlas model …`: build, inspect, render, export and import face models.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Build, inspect, render, export and import 3D morphable face models.",
        subcommands: [Build.self, Info.self, RenderViews.self, Export.self, Import.self, CalibrateLandmarks.self, CalibrateMediaPipe.self]
    )
}

/// Options shared by commands that take a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A FaceAtlas model file (.npz); default: the embedded default model.")
    var model: String?

    func load() throws -> (model: FaceModel, meta: FaceModelFile.Meta, url: URL) {
        let url = model.map { URL(fileURLWithPath: $0) } ?? DefaultModelBuilder.defaultModelURL(templates: ProjectPaths.templates)
        if model == nil, !FileManager.default.fileExists(atPath: url.path) {
            throw UsageError("the default model is not built yet: run 'faceatlas model build' (or 'scripts/bootstrap') first")
        }
        let (m, meta) = try FaceModelFile.read(url)
        return (m, meta, url)
    }
}

/// Face settings shared by render and export.
struct FaceSettingOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: "Action-unit intensity, e.g. --au AU12=0.8 (repeatable; AU26/AU27 open the jaw; ARKit names work too).")
    var au: [String] = []
    @Option(name: .long, help: "Identity coefficients in SD units, comma-separated (e.g. 1.5,-0.5,0.8).")
    var identity: String?

    func parameters(for model: FaceModel) throws -> FaceParameters {
        var settings: [String: Float] = [:]
        for item in au {
            let kv = item.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = Float(kv[1]) else { throw UsageError("--au takes NAME=VALUE, e.g. AU12=0.8; got '\(item)'") }
            settings[String(kv[0])] = value
        }
        var beta: [Float] = []
        if let identity {
            beta = try identity.split(separator: ",").map {
                guard let v = Float($0.trimmingCharacters(in: .whitespaces)) else { throw UsageError("--identity takes numbers separated by commas; got '\($0)'") }
                return v
            }
            if beta.count > model.identityCount {
                throw UsageError("--identity has \(beta.count) values; the model has \(model.identityCount) identity components")
            }
        }
        do {
            return try FaceParameters(model: model, identity: beta, settings: settings)
        } catch let error as FaceModelError {
            throw UsageError(error.description)
        }
    }
}

extension ModelCommand {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the embedded default model from the pinned CC0 MakeHuman assets and Templates/.")
        @Option(help: "Where to write the model (default: Templates/build/default-model.npz).")
        var out: String?
        @Flag(help: "Do nothing when the model exists and was built from the current definitions.")
        var ifNeeded = false

        func run() throws {
            try runReportingErrors {
                let templates = ProjectPaths.templates
                let builder = DefaultModelBuilder(templates: templates)
                let url = out.map { URL(fileURLWithPath: $0) } ?? DefaultModelBuilder.defaultModelURL(templates: templates)
                if ifNeeded, FileManager.default.fileExists(atPath: url.path),
                   let (_, meta) = try? FaceModelFile.read(url),
                   meta.provenance["definitions_sha256"] == (try builder.definitionsDigest()) {
                    print("model: \(url.path) is up to date (\(meta.id))")
                    return
                }
                let start = Date()
                let model = try builder.build()
                let meta = try FaceModelFile.write(model, to: url)
                print("model: wrote \(url.path) (\(meta.id)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a model's size, components and semantics.")
        @OptionGroup var options: ModelOptions
        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try runReportingErrors {
                let (model, meta, url) = try options.load()
                let summary = ModelSummary(model: model, meta: meta, path: url.path)
                if json {
                    try printJSON(summary)
                } else {
                    print(summary.text)
                }
            }
        }
    }

    struct RenderViews: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render", abstract: "Render front, three-quarter and profile views of a face to PNG.")
        @OptionGroup var options: ModelOptions
        @OptionGroup var face: FaceSettingOptions
        @Option(help: "Output folder.")
        var out: String = "Exports/renders"
        @Option(help: "Image size in pixels.")
        var size: Int = 512
        @Flag(help: "Draw the 68 landmarks.")
        var landmarks = false
        @Flag(help: "Colour the 16 regions.")
        var regions = false
        @Option(help: "Apply the wrinkle maps of the active action units (baked displacement).")
        var wrinkles: Bool = true

        func run() throws {
            try runReportingErrors {
                let (model, _, _) = try options.load()
                let parameters = try face.parameters(for: model)
                let folder = URL(fileURLWithPath: out)
                let written = try FaceRendering.renderViews(
                    model: model, parameters: parameters, size: size, showLandmarks: landmarks,
                    showRegions: regions, wrinkles: wrinkles, folder: folder)
                for url in written { print(url.path) }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a face (neutral or with settings) as a mesh through assimp.")
        @OptionGroup var options: ModelOptions
        @OptionGroup var face: FaceSettingOptions
        @Option(help: "obj, ply, stl, gltf, glb or fbx (default: from the file name).")
        var format: String?
        @Option(help: "Output file.")
        var out: String

        func run() throws {
            try runReportingErrors {
                let (model, _, _) = try options.load()
                let parameters = try face.parameters(for: model)
                let url = URL(fileURLWithPath: out)
                let fmt = try MeshFormat.resolve(format, for: url)
                var mesh = model.instance(parameters)
                mesh.colors = FaceAppearance.colors(for: model)
                var options = MeshExportOptions(format: fmt)
                options.materials = mesh.partNames.map { MeshMaterial(name: $0, diffuseColor: FaceRendering.partColor($0)) }
                try MeshIO.export(mesh, to: url, options: options)
                print("\(url.path): \(mesh.vertexCount) vertices, \(mesh.triangleCount) triangles (\(fmt.rawValue))")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert another morphable model (Surrey/eos .bin, FLAME .npz) into a FaceAtlas model file.",
            discussion: """
                eos / Surrey Face Model: give the model (.bin, e.g. sfm_shape_3448.bin) and any of the files \
                eos ships beside it. --blendshapes adds eos's expression blendshapes to a shape-only model, \
                exactly as if eos's save_model had written them into it; a model that already has an \
                expression model is refused with --blendshapes. --edge-topology checks eos's edge topology \
                against the mesh's own edge adjacency (FaceAtlas computes occluding edges from the \
                triangles) and records it in the provenance. An eos file given in the wrong place is \
                named for what it is.

                Example: faceatlas model import sfm_shape_3448.bin --blendshapes expression_blendshapes_3448.bin \
                --landmark-mapping ibug_to_sfm.txt --contour sfm_model_contours.json \
                --edge-topology sfm_3448_edge_topology.json --out sfm.npz
                """)
        @Argument(help: "The model to import: an eos/Surrey .bin, or a FLAME model converted to .npz.")
        var input: String
        @Option(help: "eos: the landmark mapping (ibug_to_sfm.txt).")
        var landmarkMapping: String?
        @Option(help: "eos: the model contour file (sfm_model_contours.json).")
        var contour: String?
        @Option(help: "eos: expression blendshapes for a shape-only model (expression_blendshapes_3448.bin); refused if the model has an expression model.")
        var blendshapes: String?
        @Option(help: "eos: the edge topology (sfm_3448_edge_topology.json), checked against the mesh's own edges and recorded.")
        var edgeTopology: String?
        @Option(help: "FLAME: landmark embedding (.npz with lmk_faces_idx, lmk_b_coords, as in DECA's landmark_embedding).")
        var landmarkEmbedding: String?
        @Option(help: "Output FaceAtlas model file (.npz).")
        var out: String

        func run() throws {
            try runReportingErrors {
                let url = URL(fileURLWithPath: input)
                let model: FaceModel
                switch url.pathExtension.lowercased() {
                case "bin":
                    model = try importEos(url)
                case "npz":
                    if blendshapes != nil || edgeTopology != nil {
                        throw UsageError("--blendshapes and --edge-topology are for eos models; '\(url.lastPathComponent)' is a FLAME .npz")
                    }
                    model = try FLAMEModelImporter.importModel(
                        from: url, landmarkEmbedding: landmarkEmbedding.map { URL(fileURLWithPath: $0) })
                default:
                    // An eos model under another name imports; another eos file is named for what it is.
                    guard EosFileKind.identify(contentsOf: url) != nil else {
                        throw UsageError("cannot tell the model type of '\(url.lastPathComponent)': use an eos .bin or a FLAME .npz")
                    }
                    model = try importEos(url)
                }
                let meta = try FaceModelFile.write(model, to: URL(fileURLWithPath: out))
                print("\(out): \(meta.id): \(model.vertexCount) vertices, \(model.identityCount) identity and \(model.expressionCount) expression components")
            }
        }

        private func importEos(_ url: URL) throws -> FaceModel {
            func file(_ path: String?) -> URL? { path.map { URL(fileURLWithPath: $0) } }
            return try SurreyModelImporter.importModel(
                from: url, landmarkMapping: file(landmarkMapping), contours: file(contour),
                blendshapes: file(blendshapes), edgeTopology: file(edgeTopology))
        }
    }
}

extension MeshFormat {
    /// The format named by a `--format` option, else the one the output file's extension names.
    static func resolve(_ option: String?, for url: URL) throws -> MeshFormat {
        if let option {
            guard let f = MeshFormat(rawValue: option.lowercased()) else {
                throw UsageError("unknown format '\(option)'; use one of \(MeshFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        guard let f = MeshFormat(fileExtension: url.pathExtension) else {
            throw UsageError("cannot tell the format from '\(url.lastPathComponent)'; give --format")
        }
        return f
    }
}
