import Imaging

/// Focus measure of a face: the variance of the Laplacian (Pech-Pacheco et al., 2000) over the
/// face box, after resampling the box to a fixed width so that the value does not depend on how
/// large the face is in the frame.
///
/// Sharp faces measure about 50 to 1000 and more; motion-blurred or defocused ones fall under
/// about 15 (the exact value depends on lighting and contrast).
public enum Sharpness {
    /// The width the face box is resampled to before the Laplacian is taken.
    public static let sampleWidth = 128

    /// The variance of the 4-neighbour Laplacian of the gray `image` inside `box` (clipped to
    /// the image), sampled on a grid `sampleWidth` wide; NaN for a box under 3 × 3 pixels.
    public static func measure(_ image: Image, box: FaceBox) -> Double {
        precondition(image.channels == 1, "sharpness is measured on a gray image")
        let left = max(0, box.left), top = max(0, box.top)
        let right = min(Double(image.width - 1), box.right), bottom = min(Double(image.height - 1), box.bottom)
        guard right - left >= 2, bottom - top >= 2 else { return .nan }
        let step = (right - left) / Double(sampleWidth - 1)
        let columns = sampleWidth
        let rows = max(3, Int(((bottom - top) / step).rounded()) + 1)
        let width = image.width
        var samples = [Double](repeating: 0, count: rows * columns)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<rows {
                let y = min(top + Double(row) * step, bottom)
                let y0 = Int(y), y1 = min(y0 + 1, image.height - 1), fy = y - Double(y0)
                for column in 0..<columns {
                    let x = min(left + Double(column) * step, right)
                    let x0 = Int(x), x1 = min(x0 + 1, width - 1), fx = x - Double(x0)
                    let a = Double(pixels[y0 * width + x0]), b = Double(pixels[y0 * width + x1])
                    let c = Double(pixels[y1 * width + x0]), d = Double(pixels[y1 * width + x1])
                    samples[row * columns + column] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
                }
            }
        }
        var sum = 0.0, sumSquares = 0.0, count = 0.0
        for row in 1..<(rows - 1) {
            for column in 1..<(columns - 1) {
                let i = row * columns + column
                let laplacian = samples[i - 1] + samples[i + 1] + samples[i - columns] + samples[i + columns] - 4 * samples[i]
                sum += laplacian
                sumSquares += laplacian * laplacian
                count += 1
            }
        }
        let mean = sum / count
        return max(0, sumSquares / count - mean * mean)
    }
}
