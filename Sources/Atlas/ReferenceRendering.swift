import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Render

/// Pictures of an atlas for teaching: the reference faces in the standard views, a comparison sheet
/// (groups side by side for each stimulus) and region heatmaps of group differences (as the Emoface
/// paper's Fig. 2d).
public struct ReferenceRendering: Sendable {
    public let atlas: Atlas
    public let model: FaceModel
    public var size = 512

    public init(atlas: Atlas, model: FaceModel, size: Int = 512) {
        self.atlas = atlas
        self.model = model
        self.size = size
    }

    /// A reference face at its peak in `view`, with an optional overlay.
    public func render(_ reference: ReferenceFace, view: StandardView, overlay: BiomarkerOverlay? = nil) throws -> Image {
        let colors = overlay.map { $0.colors(over: FaceAppearance.colors(for: model)) }
        return try FaceRendering.render(model: model, parameters: reference.peakParameters, view: view, size: size, colors: colors)
    }

    /// The standard views of one reference side by side, with a caption (and the overlay's legend).
    public func views(_ reference: ReferenceFace, overlay: BiomarkerOverlay? = nil) throws -> Image {
        let images = try StandardView.allCases.map { try render(reference, view: $0, overlay: overlay) }
        var rows: [[Image]] = [images]
        if let overlay { rows.append([overlay.legend(width: min(3 * size, 720))]) }
        return captioned(Image.tiled(rows, gap: 8), "\(reference.group), \(reference.stimulus): peak expression (\(reference.profile.meta.fitterSettings["atlas.members"] ?? "?") participants)")
    }

    /// Groups as columns, stimuli as rows, each face in `view` at its peak expression.
    public func comparisonSheet(view: StandardView = .front) throws -> Image {
        let groups = atlas.index.groups.map(\.name)
        let tile = size / 2
        var rows: [[Image]] = [groups.map { label($0, width: tile) }]
        for stimulus in atlas.index.stimuli {
            var row: [Image] = []
            for group in groups {
                if atlas.index.references.contains(where: { $0.group == group && $0.stimulus == stimulus }) {
                    let face = try render(try atlas.reference(group: group, stimulus: stimulus), view: view)
                    row.append(face.resized(width: tile, height: tile))
                } else {
                    row.append(Image(width: tile, height: tile, channels: 3, fill: 255))
                }
            }
            rows.append(row)
        }
        let sheet = Image.tiled(rows, gap: 6)
        return withRowLabels(sheet, labels: [""] + atlas.index.stimuli, rowHeight: tile, headerHeight: rows[0][0].height, gap: 6)
    }

    /// The difference `a` − `b` of regional motion energy for every stimulus, painted on the face of
    /// group `a` (front view) on one colour range shared by all stimuli, with a legend.
    public func regionHeatmap(_ a: String, _ b: String, effectSize: Bool = false) throws -> Image {
        let tile = size / 2
        var faces: [Image] = []
        var overlays: [BiomarkerOverlay] = []
        var references: [ReferenceFace] = []
        for stimulus in atlas.index.stimuli where atlas.index.references.contains(where: { $0.group == a && $0.stimulus == stimulus }) {
            let reference = try atlas.reference(group: a, stimulus: stimulus)
            let kind: BiomarkerOverlay.Kind = effectSize ? .effect(a, b) : .difference(a, b)
            guard let overlay = try? BiomarkerOverlay(kind, atlas: atlas, reference: reference, model: model) else { continue }
            overlays.append(overlay)
            references.append(reference)
        }
        guard !overlays.isEmpty else { throw UsageError("no stimulus has differences between '\(a)' and '\(b)'") }
        let shared = ColorRange(scale: .diverging, covering: overlays.flatMap(\.vertexValues))
        for (i, var overlay) in overlays.enumerated() {
            overlay.range = shared
            let colors = overlay.colors(over: FaceAppearance.colors(for: model))
            let face = try FaceRendering.render(model: model, parameters: references[i].neutralParameters, view: .front, size: size,
                                                wrinkles: false, colors: colors)
            faces.append(captioned(face.resized(width: tile, height: tile), references[i].stimulus))
        }
        var legendOverlay = overlays[0]
        legendOverlay.title = "\(a) - \(b) regional motion energy" + (effectSize ? " (Hedges g)" : "")
        let sheet = Image.tiled([faces], gap: 6)
        return Image.tiled([[sheet], [legendOverlay.legend(width: min(sheet.width, 720))]], gap: 6)
    }

    // MARK: Layout

    func label(_ text: String, width: Int) -> Image {
        let scale = 2
        let h = Image.textSize(text, scale: scale).height + 8
        var image = Image(width: width, height: h, channels: 3, fill: 255)
        let w = Image.textSize(text, scale: scale).width
        image.drawText(text, x: max((width - w) / 2, 0), y: 4, scale: scale)
        return image
    }

    func captioned(_ image: Image, _ caption: String) -> Image {
        let scale = image.width >= 600 ? 2 : 1
        let h = Image.textSize(caption, scale: scale).height + 8
        var out = Image(width: image.width, height: image.height + h, channels: 3, fill: 255)
        out.paste(image, x: 0, y: h)
        out.drawText(caption, x: 4, y: 4, scale: scale)
        return out
    }

    func withRowLabels(_ sheet: Image, labels: [String], rowHeight: Int, headerHeight: Int, gap: Int) -> Image {
        let scale = 2
        let width = (labels.map { Image.textSize($0, scale: scale).width }.max() ?? 0) + 12
        var out = Image(width: sheet.width + width, height: sheet.height, channels: 3, fill: 255)
        out.paste(sheet, x: width, y: 0)
        var y = gap + headerHeight + gap
        for text in labels.dropFirst() {
            out.drawText(text, x: 4, y: y + rowHeight / 2 - Image.textSize(text, scale: scale).height / 2, scale: scale)
            y += rowHeight + gap
        }
        return out
    }
}
