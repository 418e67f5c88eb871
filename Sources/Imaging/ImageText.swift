extension Image {
    /// Draws `text` with the built-in 5×7 `BitmapFont`, its top-left corner at (`x`, `y`).
    ///
    /// Each font pixel becomes a `scale` × `scale` block; "\n" starts a new line. Pixels
    /// outside the image are clipped. Characters outside ASCII 32–126 draw as `?`.
    /// - Parameter color: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) values.
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, color: [UInt8] = [0, 0, 0]) {
        let scale = max(1, scale)
        let value = sample(for: color)
        var penX = x, penY = y
        for character in text {
            if character == "\n" {
                penX = x
                penY += BitmapFont.lineHeight * scale
                continue
            }
            let columns = BitmapFont.glyphColumns(character)
            for (column, bits) in columns.enumerated() where bits != 0 {
                for row in 0..<BitmapFont.glyphHeight where bits >> UInt8(row) & 1 == 1 {
                    fillRect(x: penX + column * scale, y: penY + row * scale, width: scale, height: scale, value: value)
                }
            }
            penX += BitmapFont.advance * scale
        }
    }

    /// The size in pixels that `drawText` covers for `text` at `scale`.
    public static func textSize(_ text: String, scale: Int = 1) -> (width: Int, height: Int) {
        let size = BitmapFont.size(of: text), scale = max(1, scale)
        return (size.width * scale, size.height * scale)
    }

    /// Fills a rectangle, clipped to the image, with `color` (1 to 4 values as in `drawText`).
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, color: [UInt8]) {
        fillRect(x: x, y: y, width: w, height: h, value: sample(for: color))
    }

    private mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, value: [UInt8]) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 {
                let i = (row * width + column) * channels
                for c in 0..<channels { pixels[i + c] = value[c] }
            }
        }
    }
}
