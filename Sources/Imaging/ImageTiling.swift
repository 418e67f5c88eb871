extension Image {
    /// Lays out rows of images as one sheet, e.g. for side-by-side comparisons.
    ///
    /// Each column is as wide as its widest image and each row as tall as its tallest; every
    /// image is centred in its cell, with `gap` pixels between cells and around the border.
    /// The sheet has colour if any image has colour and alpha if any has alpha; gray images
    /// are replicated into colour.
    /// - Parameter background: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) values.
    public static func tiled(_ images: [[Image]], gap: Int = 8, background: [UInt8] = [255, 255, 255]) -> Image {
        let gap = max(0, gap)
        let all = images.joined()
        let isColor = all.contains { $0.isColor }, hasAlpha = all.contains { $0.hasAlpha }
        let channels = (isColor ? 3 : 1) + (hasAlpha ? 1 : 0)
        let columnCount = images.map(\.count).max() ?? 0
        var columnWidths = [Int](repeating: 0, count: columnCount)
        var rowHeights = [Int](repeating: 0, count: images.count)
        for (r, row) in images.enumerated() {
            for (c, image) in row.enumerated() {
                columnWidths[c] = max(columnWidths[c], image.width)
                rowHeights[r] = max(rowHeights[r], image.height)
            }
        }
        let width = columnWidths.reduce(0, +) + gap * (columnCount + 1)
        let height = rowHeights.reduce(0, +) + gap * (images.count + 1)
        var sheet = Image(width: width, height: height, channels: channels)
        sheet.fill(background)
        var top = gap
        for (r, row) in images.enumerated() {
            var left = gap
            for (c, image) in row.enumerated() {
                sheet.paste(image, x: left + (columnWidths[c] - image.width) / 2,
                            y: top + (rowHeights[r] - image.height) / 2)
                left += columnWidths[c] + gap
            }
            top += rowHeights[r] + gap
        }
        return sheet
    }

    /// `tiled(_:gap:background:)` with a gray background level.
    public static func tiled(_ images: [[Image]], gap: Int = 8, background: UInt8) -> Image {
        tiled(images, gap: gap, background: [background])
    }

    /// Sets every pixel to `color` (1 to 4 values, see `tiled(_:gap:background:)`).
    public mutating func fill(_ color: [UInt8]) {
        let value = sample(for: color)
        for i in stride(from: 0, to: pixels.count, by: channels) {
            for c in 0..<channels { pixels[i + c] = value[c] }
        }
    }

    /// Copies `image` into this one with its top-left corner at (`x`, `y`), converting its
    /// channels to this image's layout and clipping at the edges.
    public mutating func paste(_ image: Image, x: Int, y: Int) {
        let source = image.converted(toChannels: channels)
        let x0 = max(0, x), x1 = min(width, x + source.width)
        let y0 = max(0, y), y1 = min(height, y + source.height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            let s = ((row - y) * source.width + (x0 - x)) * channels
            let d = (row * width + x0) * channels
            let n = (x1 - x0) * channels
            pixels.replaceSubrange(d..<(d + n), with: source.pixels[s..<(s + n)])
        }
    }
}
