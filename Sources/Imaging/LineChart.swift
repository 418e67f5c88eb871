import Foundation

/// A line chart drawn into an RGB `Image`: a framed plot area with ticks and tick labels on both axes,
/// axis titles, a title, anti-aliased series (solid or dashed) and a legend. Text uses the built-in
/// `BitmapFont`.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The legend entry (series with an empty name are left out of the legend).
        public var name: String
        /// The points in data coordinates, drawn in order (clamped to the chart's ranges).
        public var points: [(x: Double, y: Double)]
        /// The RGB colour.
        public var color: [UInt8]
        /// The line width in pixels.
        public var width: Double
        /// Whether the line is dashed.
        public var dashed: Bool
        /// A dot of this radius (pixels) at every point; with a line width of 0 the series is a scatter.
        public var markerRadius: Double

        /// A series named `name` through `points`.
        public init(name: String, points: [(x: Double, y: Double)], color: [UInt8], width: Double = 2.5, dashed: Bool = false,
                    markerRadius: Double = 0) {
            self.name = name
            self.points = points
            self.color = color
            self.width = width
            self.dashed = dashed
            self.markerRadius = markerRadius
        }
    }

    /// Colours that stay distinguishable for colour-blind readers (Okabe & Ito).
    public static let palette: [[UInt8]] = [
        [0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167], [230, 159, 0], [86, 180, 233], [240, 228, 66],
    ]

    /// The title above the plot.
    public var title: String
    /// The horizontal axis title.
    public var xLabel: String
    /// The vertical axis title.
    public var yLabel: String
    /// The horizontal data range shown.
    public var xRange: ClosedRange<Double>
    /// The vertical data range shown.
    public var yRange: ClosedRange<Double>
    /// The lines.
    public var series: [Series]
    /// The image width in pixels.
    public var width = 640
    /// The image height in pixels.
    public var height = 560
    /// The font scale of titles and labels (each font pixel becomes scale × scale pixels).
    public var textScale = 2

    /// A chart of `series` over the given ranges.
    public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.series = series
    }

    /// Renders the chart.
    public func render() -> Image {
        var image = Image(width: width, height: height, channels: 3, fill: 255)
        let s = textScale
        let charHeight = BitmapFont.glyphHeight * s
        let xTicks = LineChart.niceTicks(xRange), yTicks = LineChart.niceTicks(yRange)
        let yTickWidth = yTicks.map { Image.textSize(LineChart.tickLabel($0, ticks: yTicks), scale: s).width }.max() ?? 0
        // Plot area: room for the rotated y title and the tick labels on the left, x labels below, title above.
        let left = 10 + charHeight + 10 + yTickWidth + 8
        let right = width - 20
        let top = 14 + charHeight + 14
        let bottom = height - (10 + charHeight + 10 + charHeight + 10)
        let plotWidth = Double(right - left), plotHeight = Double(bottom - top)
        func px(_ x: Double) -> Double { Double(left) + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double { Double(bottom) - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight }

        let gridColor: [UInt8] = [225, 225, 225], axisColor: [UInt8] = [40, 40, 40]
        // Grid lines and ticks with labels.
        for x in xTicks {
            let X = px(x)
            image.drawPolyline([ImagePoint(X, Double(top)), ImagePoint(X, Double(bottom))], width: 1, color: gridColor)
            image.drawPolyline([ImagePoint(X, Double(bottom)), ImagePoint(X, Double(bottom) + 6)], width: 1.5, color: axisColor)
            let label = LineChart.tickLabel(x, ticks: xTicks)
            let size = Image.textSize(label, scale: s)
            image.drawText(label, x: Int(X.rounded()) - size.width / 2, y: bottom + 10, scale: s, color: axisColor)
        }
        for y in yTicks {
            let Y = py(y)
            image.drawPolyline([ImagePoint(Double(left), Y), ImagePoint(Double(right), Y)], width: 1, color: gridColor)
            image.drawPolyline([ImagePoint(Double(left) - 6, Y), ImagePoint(Double(left), Y)], width: 1.5, color: axisColor)
            let label = LineChart.tickLabel(y, ticks: yTicks)
            let size = Image.textSize(label, scale: s)
            image.drawText(label, x: left - 8 - size.width, y: Int(Y.rounded()) - size.height / 2, scale: s, color: axisColor)
        }
        // Frame.
        let corners = [ImagePoint(Double(left), Double(top)), ImagePoint(Double(right), Double(top)),
                       ImagePoint(Double(right), Double(bottom)), ImagePoint(Double(left), Double(bottom)),
                       ImagePoint(Double(left), Double(top))]
        image.drawPolyline(corners, width: 1.5, color: axisColor)

        // Series; points outside the ranges are clamped to the frame.
        for line in series {
            let points = line.points.map { p in
                ImagePoint(px(min(max(p.x, xRange.lowerBound), xRange.upperBound)), py(min(max(p.y, yRange.lowerBound), yRange.upperBound)))
            }
            if line.markerRadius > 0 {
                for p in points { image.fillDisc(centre: p, radius: line.markerRadius, color: line.color) }
            }
            if line.width <= 0 { continue }
            if line.dashed {
                for k in 1..<max(points.count, 1) {
                    image.drawDashedLine(from: points[k - 1], to: points[k], width: line.width, color: line.color)
                }
            } else {
                image.drawPolyline(points, width: line.width, color: line.color)
            }
        }

        // Titles.
        let titleSize = Image.textSize(title, scale: s)
        image.drawText(title, x: (width - titleSize.width) / 2, y: 14, scale: s, color: [0, 0, 0])
        let xTitleSize = Image.textSize(xLabel, scale: s)
        image.drawText(xLabel, x: left + (right - left - xTitleSize.width) / 2, y: height - 10 - charHeight, scale: s, color: [0, 0, 0])
        let yTitle = LineChart.rotatedText(yLabel, scale: s)
        image.paste(yTitle, x: 10, y: top + (bottom - top - yTitle.height) / 2)

        // Legend in the lower right corner of the plot area.
        let named = series.filter { !$0.name.isEmpty }
        if !named.isEmpty {
            let swatch = 28, rowHeight = charHeight + 8
            let textWidth = named.map { Image.textSize($0.name, scale: s).width }.max() ?? 0
            let boxWidth = 10 + swatch + 8 + textWidth + 10, boxHeight = 8 + rowHeight * named.count
            let boxLeft = right - 12 - boxWidth, boxTop = bottom - 12 - boxHeight
            image.fillRect(x: boxLeft, y: boxTop, width: boxWidth, height: boxHeight, color: [255, 255, 255])
            image.drawPolyline([ImagePoint(Double(boxLeft), Double(boxTop)), ImagePoint(Double(boxLeft + boxWidth), Double(boxTop)),
                                ImagePoint(Double(boxLeft + boxWidth), Double(boxTop + boxHeight)),
                                ImagePoint(Double(boxLeft), Double(boxTop + boxHeight)), ImagePoint(Double(boxLeft), Double(boxTop))],
                               width: 1, color: [160, 160, 160])
            for (k, line) in named.enumerated() {
                let rowTop = boxTop + 8 + k * rowHeight
                let middle = Double(rowTop + charHeight / 2)
                let a = ImagePoint(Double(boxLeft + 10), middle), b = ImagePoint(Double(boxLeft + 10 + swatch), middle)
                if line.width <= 0 {
                    image.fillDisc(centre: ImagePoint(Double(boxLeft + 10 + swatch / 2), middle), radius: max(line.markerRadius, 3), color: line.color)
                } else if line.dashed {
                    image.drawDashedLine(from: a, to: b, dash: 5, gap: 3, width: line.width, color: line.color)
                } else {
                    image.drawPolyline([a, b], width: line.width, color: line.color)
                }
                image.drawText(line.name, x: boxLeft + 10 + swatch + 8, y: rowTop, scale: s, color: [0, 0, 0])
            }
        }
        return image
    }

    /// About five round tick values (steps of 1, 2 or 5 × 10ᵏ) inside `range`.
    public static func niceTicks(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var k = (range.lowerBound / step - 1e-9).rounded(.up)
        while k * step <= range.upperBound + step * 1e-9 {
            ticks.append(k * step + 0) // + 0 turns −0 into 0
            k += 1
        }
        return ticks
    }

    /// A tick label with as many decimals as the tick spacing needs.
    static func tickLabel(_ value: Double, ticks: [Double]) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", value)
    }

    /// `text` drawn black on white and turned a quarter turn anticlockwise (reading bottom to top).
    public static func rotatedText(_ text: String, scale: Int) -> Image {
        let size = Image.textSize(text, scale: scale)
        var horizontal = Image(width: max(size.width, 1), height: max(size.height, 1), channels: 3, fill: 255)
        horizontal.drawText(text, x: 0, y: 0, scale: scale, color: [0, 0, 0])
        var rotated = Image(width: horizontal.height, height: horizontal.width, channels: 3, fill: 255)
        for y in 0..<horizontal.height {
            for x in 0..<horizontal.width {
                for c in 0..<3 { rotated[y, horizontal.width - 1 - x, c] = horizontal[x, y, c] }
            }
        }
        return rotated
    }
}

extension Image {
    /// Fills a disc (pixels whose centres lie within `radius` of `centre`), clipped to the image.
    public mutating func fillDisc(centre: ImagePoint, radius: Double, color: [UInt8]) {
        let x0 = max(Int((centre.x - radius).rounded(.down)), 0), x1 = min(Int((centre.x + radius).rounded(.up)), width - 1)
        let y0 = max(Int((centre.y - radius).rounded(.down)), 0), y1 = min(Int((centre.y + radius).rounded(.up)), height - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let dx = Double(x) + 0.5 - centre.x, dy = Double(y) + 0.5 - centre.y
                guard dx * dx + dy * dy <= radius * radius else { continue }
                for c in 0..<min(channels, color.count) { self[x, y, c] = color[c] }
            }
        }
    }
}
