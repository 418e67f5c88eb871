/// A horizontal bar chart drawn into an RGB `Image`: one labelled bar per row, growing from zero, with
/// a value axis (ticks, labels, title) below and an optional note per row in a column on the right (such as "*").
public struct BarChart: Sendable {
    /// One bar.
    public struct Bar: Sendable {
        /// The row label on the left.
        public var label: String
        /// The bar's value (NaN draws no bar).
        public var value: Double
        /// The RGB colour.
        public var color: [UInt8]
        /// Text drawn in the notes column at the right end of the row.
        public var note: String

        /// A bar for `label` with `value`.
        public init(label: String, value: Double, color: [UInt8], note: String = "") {
            self.label = label
            self.value = value
            self.color = color
            self.note = note
        }
    }

    /// The title above the chart.
    public var title: String
    /// The value axis title.
    public var valueLabel: String
    /// The value range shown (should include 0).
    public var valueRange: ClosedRange<Double>
    /// The bars, top to bottom.
    public var bars: [Bar]
    /// The image width in pixels.
    public var width = 640
    /// The height of one row in pixels.
    public var rowHeight = 28
    /// The font scale.
    public var textScale = 2

    /// A chart of `bars` over `valueRange`.
    public init(title: String, valueLabel: String, valueRange: ClosedRange<Double>, bars: [Bar]) {
        self.title = title
        self.valueLabel = valueLabel
        self.valueRange = valueRange
        self.bars = bars
    }

    /// Renders the chart.
    public func render() -> Image {
        let s = textScale, charHeight = BitmapFont.glyphHeight * s
        let labelWidth = bars.map { Image.textSize($0.label, scale: s).width }.max() ?? 0
        let noteWidth = bars.map { Image.textSize($0.note, scale: s).width }.max() ?? 0
        let left = 12 + labelWidth + 12, right = width - 16 - noteWidth - (noteWidth > 0 ? 6 : 0)
        let top = 14 + charHeight + 16
        let bottom = top + rowHeight * bars.count
        let height = bottom + 10 + charHeight + 12 + charHeight + 12
        var image = Image(width: width, height: height, channels: 3, fill: 255)
        let span = valueRange.upperBound - valueRange.lowerBound
        func px(_ v: Double) -> Double { Double(left) + (v - valueRange.lowerBound) / span * Double(right - left) }
        let axisColor: [UInt8] = [40, 40, 40]

        let ticks = LineChart.niceTicks(valueRange)
        for t in ticks {
            let X = px(t)
            image.drawPolyline([ImagePoint(X, Double(top)), ImagePoint(X, Double(bottom))], width: 1, color: [225, 225, 225])
            image.drawPolyline([ImagePoint(X, Double(bottom)), ImagePoint(X, Double(bottom) + 6)], width: 1.5, color: axisColor)
            let label = LineChart.tickLabel(t, ticks: ticks), size = Image.textSize(label, scale: s)
            image.drawText(label, x: Int(X.rounded()) - size.width / 2, y: bottom + 10, scale: s, color: axisColor)
        }
        let zero = px(min(max(0, valueRange.lowerBound), valueRange.upperBound))
        for (k, bar) in bars.enumerated() {
            let rowTop = top + k * rowHeight
            let labelSize = Image.textSize(bar.label, scale: s)
            image.drawText(bar.label, x: left - 12 - labelSize.width, y: rowTop + (rowHeight - labelSize.height) / 2, scale: s, color: [0, 0, 0])
            guard bar.value.isFinite else { continue }
            let end = px(min(max(bar.value, valueRange.lowerBound), valueRange.upperBound))
            let x0 = Int(min(zero, end).rounded()), x1 = Int(max(zero, end).rounded())
            image.fillRect(x: x0, y: rowTop + 4, width: max(1, x1 - x0), height: rowHeight - 8, color: bar.color)
            if !bar.note.isEmpty {
                let noteSize = Image.textSize(bar.note, scale: s)
                image.drawText(bar.note, x: right + 6, y: rowTop + (rowHeight - noteSize.height) / 2, scale: s, color: [0, 0, 0])
            }
        }
        image.drawPolyline([ImagePoint(zero, Double(top)), ImagePoint(zero, Double(bottom))], width: 1.5, color: axisColor)
        image.drawPolyline([ImagePoint(Double(left), Double(bottom)), ImagePoint(Double(right), Double(bottom))], width: 1.5, color: axisColor)

        let titleSize = Image.textSize(title, scale: s)
        image.drawText(title, x: (width - titleSize.width) / 2, y: 14, scale: s, color: [0, 0, 0])
        let valueSize = Image.textSize(valueLabel, scale: s)
        image.drawText(valueLabel, x: left + (right - left - valueSize.width) / 2, y: height - 12 - charHeight, scale: s, color: [0, 0, 0])
        return image
    }
}
