import Foundation

/// A legend for a colour range: a title, a horizontal colour bar and tick labels.
public enum ColorLegend {
    /// A legend image `width` pixels wide (RGB, white background).
    public static func image(title: String, range: ColorRange, unit: String, width: Int = 360, scale: Int = 2) -> Image {
        let textHeight = Image.textSize("0", scale: scale).height
        let barHeight = 6 * scale
        let margin = 4 * scale
        let height = margin + textHeight + margin + barHeight + margin / 2 + textHeight + margin
        var image = Image(width: width, height: height, channels: 3, fill: 255)
        image.drawText(title, x: margin, y: margin, scale: scale)
        let barTop = margin + textHeight + margin
        let barWidth = width - 2 * margin
        for x in 0..<barWidth {
            image.fillRect(x: margin + x, y: barTop, width: 1, height: barHeight,
                           color: range.scale.bytes(Double(x) / Double(max(barWidth - 1, 1))))
        }
        let labelTop = barTop + barHeight + margin / 2
        let ticks = range.scale == .diverging
            ? [range.minimum, 0, range.maximum] : [range.minimum, (range.minimum + range.maximum) / 2, range.maximum]
        for (i, value) in ticks.enumerated() {
            let text = format(value) + (i == ticks.count - 1 && !unit.isEmpty ? " " + unit : "")
            let w = Image.textSize(text, scale: scale).width
            let x = i == 0 ? margin : i == ticks.count - 1 ? width - margin - w : margin + barWidth / 2 - w / 2
            image.drawText(text, x: x, y: labelTop, scale: scale)
        }
        return image
    }

    /// A short number: two significant decimals for small values.
    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        let a = abs(value)
        let digits = a >= 100 ? 0 : a >= 10 ? 1 : 2
        var s = String(format: "%.\(digits)f", value)
        if s == "-0" || s == "-0.0" || s == "-0.00" { s = String(s.dropFirst()) }
        return s
    }
}
