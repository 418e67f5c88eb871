import ArgumentParser
import Atlas
import FaceAtlasCore
import Foundation
import Imaging
import Render

/// `faceatlas render`: PNG pictures of an atlas's reference faces.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render an atlas: reference-face views, a group comparison sheet and region heatmaps of group differences.")
    @Argument(help: "The atlas folder.")
    var atlas: String
    @Option(help: "Only this group's references.")
    var group: String?
    @Option(help: "Only this stimulus's references.")
    var stimulus: String?
    @Option(help: "A biomarker painted on the reference views (energy, difference[:A-B], effect[:A-B], displacement, region:N).")
    var overlay: String?
    @Option(help: "Image size of one view in pixels.")
    var size: Int = 512
    @Option(help: "Output folder.")
    var out: String = "Exports/renders"
    @OptionGroup var options: ModelOptions

    func run() throws {
        try runReportingErrors {
            let (atlas, model) = try openAtlas(self.atlas, options: options)
            let folder = URL(fileURLWithPath: out)
            try AtomicFile.createFolder(folder)
            let rendering = ReferenceRendering(atlas: atlas, model: model, size: size)
            let pairs = atlas.index.groups.count > 1 ? GroupComparison.pairs(of: atlas.index.groups.map(\.name)) : []
            let overlayKind = try overlay.map { try BiomarkerOverlay.parse($0, pairs: pairs) }
            let chosen = atlas.index.references.filter { (group == nil || $0.group == group) && (stimulus == nil || $0.stimulus == stimulus) }
            if chosen.isEmpty { throw UsageError("the atlas has no reference for that group and stimulus") }
            let progress = ProgressReporter("render", total: chosen.count)
            for entry in chosen {
                let reference = try atlas.reference(group: entry.group, stimulus: entry.stimulus)
                let overlay = try overlayKind.map { try BiomarkerOverlay($0, atlas: atlas, reference: reference, model: model) }
                let url = folder.appendingPathComponent("\(AtlasBuilder.fileSafe(entry.group))-\(AtlasBuilder.fileSafe(entry.stimulus)).png")
                try PNG.write(try rendering.views(reference, overlay: overlay), to: url)
                progress.advance()
            }
            progress.finish()
            print("\(chosen.count) reference views in \(folder.path)")
            if group == nil && stimulus == nil {
                let sheet = folder.appendingPathComponent("comparison.png")
                try PNG.write(try rendering.comparisonSheet(), to: sheet)
                print(sheet.path)
                for (a, b) in pairs {
                    let url = folder.appendingPathComponent("heatmap-\(AtlasBuilder.fileSafe(a))-\(AtlasBuilder.fileSafe(b)).png")
                    try PNG.write(try rendering.regionHeatmap(a, b), to: url)
                    print(url.path)
                }
            }
        }
    }
}
