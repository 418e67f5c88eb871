/// A point in image coordinates: x to the right, y down, pixel (i, j) covering [i, i+1) × [j, j+1).
public struct ImagePoint: Sendable, Equatable {
    /// The horizontal coordinate.
    public var x: Double
    /// The vertical coordinate (down).
    public var y: Double

    /// The point (`x`, `y`).
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

extension Image {
    /// Draws an anti-aliased polyline of `width` pixels through `points` in `color` (1 to 4 values as in
    /// `drawText`; an alpha value scales the opacity).
    ///
    /// Each pixel's coverage is estimated from the distance of its centre to the nearest segment
    /// (a box filter one pixel wide), and the pixel is blended once, so joints are not darker than the line.
    public mutating func drawPolyline(_ points: [ImagePoint], width lineWidth: Double = 1, color: [UInt8]) {
        guard points.count >= 2 else { return }
        let half = max(lineWidth, 0.5) / 2
        var coverage: [Int: Double] = [:]
        for k in 1..<points.count {
            let a = points[k - 1], b = points[k]
            let x0 = max(0, Int((min(a.x, b.x) - half - 1).rounded(.down)))
            let x1 = min(width - 1, Int((max(a.x, b.x) + half + 1).rounded(.up)))
            let y0 = max(0, Int((min(a.y, b.y) - half - 1).rounded(.down)))
            let y1 = min(height - 1, Int((max(a.y, b.y) + half + 1).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            let dx = b.x - a.x, dy = b.y - a.y
            let lengthSquared = dx * dx + dy * dy
            for row in y0...y1 {
                for column in x0...x1 {
                    let px = Double(column) + 0.5, py = Double(row) + 0.5
                    let t = lengthSquared > 0 ? max(0, min(1, ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared)) : 0
                    let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                    let distance = (ex * ex + ey * ey).squareRoot()
                    let value = max(0, min(1, half + 0.5 - distance))
                    guard value > 0 else { continue }
                    let index = row * width + column
                    if value > coverage[index, default: 0] { coverage[index] = value }
                }
            }
        }
        let value = drawingColor(color)
        for (index, amount) in coverage {
            blend(index: index, color: value, opacity: amount * value.opacity)
        }
    }

    /// Draws a dashed anti-aliased line from `a` to `b`: dashes of `dash` pixels separated by `gap` pixels.
    public mutating func drawDashedLine(from a: ImagePoint, to b: ImagePoint, dash: Double = 6, gap: Double = 4,
                                        width lineWidth: Double = 1, color: [UInt8]) {
        let dx = b.x - a.x, dy = b.y - a.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return }
        var start = 0.0
        while start < length {
            let end = min(length, start + dash)
            drawPolyline([ImagePoint(a.x + dx * start / length, a.y + dy * start / length),
                          ImagePoint(a.x + dx * end / length, a.y + dy * end / length)],
                         width: lineWidth, color: color)
            start = end + gap
        }
    }

    /// `color` in this image's channel layout (alpha channel opaque), with its opacity (its alpha value, 1 when absent).
    private func drawingColor(_ color: [UInt8]) -> (samples: [Double], opacity: Double) {
        precondition((1...4).contains(color.count), "a colour has 1 to 4 values")
        let opacity = color.count == 2 || color.count == 4 ? Double(color[color.count - 1]) / 255 : 1
        var samples = sample(for: color).map(Double.init)
        if hasAlpha { samples[channels - 1] = 255 }
        return (samples, opacity)
    }

    /// Blends the pixel at `index` towards `color` by `opacity` (alpha accumulates in images with alpha).
    private mutating func blend(index: Int, color: (samples: [Double], opacity: Double), opacity: Double) {
        let base = index * channels
        for c in 0..<channels {
            let old = Double(pixels[base + c])
            pixels[base + c] = UInt8(max(0, min(255, (old + (color.samples[c] - old) * opacity).rounded())))
        }
    }
}
