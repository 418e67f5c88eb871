import Foundation
import Imaging

/// A confusion matrix drawn as a heat map: one cell per (true, predicted) pair, shaded by the share of
/// the true class's cases (row-normalized), labelled with the count and that share.
public struct ConfusionMatrixChart: Sendable {
    /// The matrix to draw.
    public var matrix: ConfusionMatrix
    /// The title above the grid.
    public var title: String
    /// The side of one cell in pixels.
    public var cellSize = 120
    /// The font scale.
    public var textScale = 2

    /// A chart of `matrix` titled `title`.
    public init(matrix: ConfusionMatrix, title: String = "Confusion matrix") {
        self.matrix = matrix
        self.title = title
    }

    /// Renders the chart as an RGB image.
    public func render() -> Image {
        let s = textScale, n = matrix.classes.count
        let charHeight = BitmapFont.glyphHeight * s
        let labelWidth = matrix.classes.map { Image.textSize($0, scale: s).width }.max() ?? 0
        let left = 10 + charHeight + 12 + labelWidth + 10
        let top = 14 + charHeight + 14 + charHeight + 12 + charHeight + 8
        let width = max(left + n * cellSize + 20, Image.textSize(title, scale: s).width + 40)
        let height = top + n * cellSize + 20
        var image = Image(width: width, height: height, channels: 3, fill: 255)

        let titleSize = Image.textSize(title, scale: s)
        image.drawText(title, x: (width - titleSize.width) / 2, y: 14, scale: s, color: [0, 0, 0])
        let predicted = "predicted"
        let predictedSize = Image.textSize(predicted, scale: s)
        image.drawText(predicted, x: left + (n * cellSize - predictedSize.width) / 2, y: 14 + charHeight + 14, scale: s, color: [0, 0, 0])
        let trueTitle = LineChart.rotatedText("true", scale: s)
        image.paste(trueTitle, x: 10, y: top + (n * cellSize - trueTitle.height) / 2)

        for (k, label) in matrix.classes.enumerated() {
            let size = Image.textSize(label, scale: s)
            image.drawText(label, x: left + k * cellSize + (cellSize - size.width) / 2, y: top - 8 - charHeight, scale: s, color: [40, 40, 40])
            image.drawText(label, x: left - 10 - size.width, y: top + k * cellSize + (cellSize - size.height) / 2, scale: s, color: [40, 40, 40])
        }
        for t in 0..<n {
            let rowTotal = matrix.counts[t].reduce(0, +)
            for p in 0..<n {
                let count = matrix.counts[t][p]
                let share = rowTotal > 0 ? Double(count) / Double(rowTotal) : 0
                // White to a deep blue.
                let color: [UInt8] = [255 - 247 * share, 255 - 207 * share, 255 - 148 * share].map { UInt8($0.rounded()) }
                let x = left + p * cellSize, y = top + t * cellSize
                image.fillRect(x: x + 1, y: y + 1, width: cellSize - 2, height: cellSize - 2, color: color)
                let ink: [UInt8] = share > 0.5 ? [255, 255, 255] : [0, 0, 0]
                let countText = "\(count)", shareText = String(format: "%.0f%%", 100 * share)
                let countSize = Image.textSize(countText, scale: s + 1), shareSize = Image.textSize(shareText, scale: s)
                let block = countSize.height + 6 + shareSize.height
                image.drawText(countText, x: x + (cellSize - countSize.width) / 2, y: y + (cellSize - block) / 2, scale: s + 1, color: ink)
                image.drawText(shareText, x: x + (cellSize - shareSize.width) / 2, y: y + (cellSize - block) / 2 + countSize.height + 6,
                               scale: s, color: ink)
            }
        }
        return image
    }
}
