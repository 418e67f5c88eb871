import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Render
import Tracking

/// The contact sheet of the real-face benchmark: one tile per face (per labelled span for a video),
/// each with three panels and a caption:
///
/// 1. the photo, cropped around the face and turned upright by the input's eyes (`FaceCrop`), with the
///    input landmarks in green and the fitted landmarks in red;
/// 2. the model with the fitted identity, expression and jaw, frontal;
/// 3. the model with the fitted identity at neutral expression, frontal;
///
/// and under them the name, NME, ‖β‖ and the three strongest pooled action units, and the label verdict.
public struct RealFaceContactSheet: Sendable {
    /// The sheet's size.
    public struct Layout: Sendable, Equatable {
        /// The side of each panel in pixels.
        public var panelSize = 160
        /// Tiles per row.
        public var columns = 4

        /// The defaults: 160-pixel panels, 4 tiles per row.
        public init(panelSize: Int = 160, columns: Int = 4) {
            self.panelSize = panelSize
            self.columns = columns
        }
    }

    /// What one tile shows.
    public struct Tile: Sendable {
        /// The photo or video frame (any channel count); nil draws a gray panel.
        public var photo: Image?
        /// The input landmarks, image pixels.
        public var input: [SIMD2<Double>]
        /// The fitted landmarks, image pixels.
        public var fitted: [SIMD2<Double>]
        /// The fitted identity, expression and jaw.
        public var parameters: FaceParameters
        /// The caption lines (ASCII).
        public var caption: [String]

        /// Creates a tile.
        public init(photo: Image?, input: [SIMD2<Double>], fitted: [SIMD2<Double>], parameters: FaceParameters, caption: [String]) {
            self.photo = photo
            self.input = input
            self.fitted = fitted
            self.parameters = parameters
            self.caption = caption
        }
    }

    /// The colour of the input landmarks.
    public static let inputColor: [UInt8] = [40, 220, 70]
    /// The colour of the fitted landmarks.
    public static let fittedColor: [UInt8] = [255, 40, 40]
    /// Caption lines under each tile.
    static let captionLines = 4

    /// The model rendered.
    public let model: FaceModel
    /// The layout.
    public let layout: Layout

    /// A sheet of `model`'s renders laid out by `layout`.
    public init(model: FaceModel, layout: Layout = Layout()) {
        self.model = model
        self.layout = layout
    }

    /// The caption of `face`: name; NME and identity; top three action units; label verdict.
    public static func caption(for face: RealFaceResult) -> [String] {
        let nme = face.nme.map { String(format: "%.3f", $0) } ?? "-"
        let identity = String(format: "|b| %.2f  max %.2f  >3SD %d", face.identity.norm, face.identity.maximumAbsolute, face.identity.beyond3SD)
        let top = face.topActionUnits(3).map { "\($0.label) \(String(format: "%.2f", $0.intensity))" }.joined(separator: "  ")
        let verdict: String
        if let label = face.label {
            verdict = label.passed ? "label: pass" : "label: FAIL " + label.failures.map(\.summary).joined(separator: ", ")
        } else {
            verdict = face.labelLine != nil ? "label: FAIL no valid frames" : "no label"
        }
        return [face.name, "NME \(nme)  \(identity)", top.isEmpty ? "no action units" : top, verdict]
    }

    /// The sheet of `tiles` under `title`, drawn in parallel.
    /// - Parameter progress: called with the tiles done and their number.
    public func draw(_ tiles: [Tile], title: String, progress: (@Sendable (Int, Int) -> Void)? = nil) -> Image {
        let done = Counter()
        let images = Parallel.map(tiles.count) { index -> Image in
            let image = self.tile(tiles[index])
            progress?(done.increment(), tiles.count)
            return image
        }
        let columns = max(1, layout.columns)
        let rows = stride(from: 0, to: images.count, by: columns).map { Array(images[$0..<min($0 + columns, images.count)]) }
        let body = Image.tiled(rows, gap: 8, background: [255, 255, 255])
        let legend = "green: input landmarks   red: fitted landmarks   middle: fitted identity, expression and jaw   right: fitted identity, neutral"
        let header = 2 * BitmapFont.lineHeight * 2 + 12
        var sheet = Image(width: max(body.width, Image.textSize(legend, scale: 1).width + 16), height: body.height + header, channels: 3, fill: 255)
        sheet.drawText(title, x: 8, y: 6, scale: 2, color: [0, 0, 0])
        sheet.drawText(legend, x: 8, y: 6 + 2 * BitmapFont.lineHeight + 2, scale: 1, color: [60, 60, 60])
        sheet.paste(body, x: 0, y: header)
        return sheet
    }

    /// One tile: the three panels side by side and the caption under them.
    func tile(_ tile: Tile) -> Image {
        let size = layout.panelSize
        let photo = photoPanel(tile)
        let expressive = renderPanel(tile.parameters)
        let neutral = renderPanel(FaceParameters(identity: tile.parameters.identity))
        let gap = 2
        let width = 3 * size + 2 * gap
        let captionHeight = Self.captionLines * BitmapFont.lineHeight + 4
        var image = Image(width: width, height: size + captionHeight, channels: 3, fill: 255)
        image.paste(photo, x: 0, y: 0)
        image.paste(expressive, x: size + gap, y: 0)
        image.paste(neutral, x: 2 * (size + gap), y: 0)
        let fitting = max(1, width / BitmapFont.advance)
        for (line, text) in tile.caption.prefix(Self.captionLines).enumerated() {
            let shown = text.count > fitting ? String(text.prefix(fitting - 3)) + "..." : text
            let failed = text.hasPrefix("label: FAIL")
            image.drawText(shown, x: 0, y: size + 3 + line * BitmapFont.lineHeight, color: failed ? [190, 0, 0] : [0, 0, 0])
        }
        return image
    }

    /// The photo cropped around the face with both landmark sets drawn.
    private func photoPanel(_ tile: Tile) -> Image {
        let size = layout.panelSize
        guard let photo = tile.photo, tile.input.count == 68, tile.input.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            return Image(width: size, height: size, channels: 3, fill: 128)
        }
        let alignment = FaceCrop.Alignment(points: tile.input, size: size)
        var panel = FaceCrop.aligned(photo.converted(toChannels: 3), alignment: alignment)
        let width = max(1.5, Double(size) / 110)
        for (points, color) in [(tile.input, Self.inputColor), (tile.fitted, Self.fittedColor)] {
            let mapped = points.map { alignment.cropPoint($0) }
            for organ in FacialOrgan.allCases {
                var line = organ.landmarks.map { mapped[$0] }
                if [.rightEye, .leftEye, .outerLip, .innerLip].contains(organ), let first = line.first { line.append(first) }
                let drawn = line.filter { $0.x.isFinite && $0.y.isFinite }.map { ImagePoint($0.x + 0.5, $0.y + 0.5) }
                panel.drawPolyline(drawn, width: width, color: color)
            }
        }
        return panel
    }

    /// The model with `parameters`, frontal.
    private func renderPanel(_ parameters: FaceParameters) -> Image {
        (try? FaceRendering.render(model: model, parameters: parameters, view: .front, size: layout.panelSize, wrinkles: false))
            ?? Image(width: layout.panelSize, height: layout.panelSize, channels: 3, fill: 128)
    }
}

/// A thread-safe count of finished tiles.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func increment() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value
    }
}
