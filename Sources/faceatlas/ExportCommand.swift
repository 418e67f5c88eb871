import ArgumentParser
import Atlas
import FaceAtlasCore
import Foundation
import Mesh

/// `faceatlas export`: a reference face as a teaching mesh (OBJ with maps, PLY, STL, glTF, GLB, FBX).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an atlas reference face as a mesh with wrinkle detail and optional biomarker overlay.",
        discussion: """
        Overlays: energy, difference[:A-B], effect[:A-B], displacement, region:N. Detail: maps (displacement, \
        normal and colour PNGs referenced by the material), baked (a twice-subdivided mesh with the wrinkles \
        moved into its vertices), none. --sequence adds the mean expression over time: glTF/GLB morph targets, \
        or one file per frame for other formats.
        """)
    @Argument(help: "The atlas folder.")
    var atlas: String
    @Option(help: "The group, e.g. BD.")
    var group: String
    @Option(help: "The stimulus, e.g. sadness.")
    var stimulus: String
    @Option(help: "Wrinkle detail: maps, baked or none.")
    var detail: String = "maps"
    @Option(help: "The face: peak (its characteristic expression) or neutral.")
    var expression: String = "peak"
    @Option(help: "A biomarker painted on the face (see above).")
    var overlay: String?
    @Flag(help: "Also export the mean expression over time.")
    var sequence = false
    @Option(help: "obj, ply, stl, gltf, glb or fbx (default: from the file name).")
    var format: String?
    @Option(help: "The output file, e.g. Exports/BD-sadness.obj.")
    var out: String
    @OptionGroup var options: ModelOptions

    func run() throws {
        try runReportingErrors {
            let (atlas, model) = try openAtlas(self.atlas, options: options)
            let url = URL(fileURLWithPath: out)
            var export = ReferenceExport(format: try MeshFormat.resolve(format, for: url))
            guard let d = ReferenceExport.Detail(rawValue: detail) else { throw UsageError("--detail takes maps, baked or none") }
            guard let e = ReferenceExport.Expression(rawValue: expression) else { throw UsageError("--expression takes peak or neutral") }
            export.detail = d
            export.expression = e
            export.sequence = sequence
            let pairs = atlas.index.groups.count > 1 ? GroupComparison.pairs(of: atlas.index.groups.map(\.name)) : []
            export.overlay = try overlay.map { try BiomarkerOverlay.parse($0, pairs: pairs) }
            let reference = try atlas.reference(group: group, stimulus: stimulus)
            let written = try export.write(reference, atlas: atlas, model: model, to: url)
            for file in written { print(file.path) }
        }
    }
}
