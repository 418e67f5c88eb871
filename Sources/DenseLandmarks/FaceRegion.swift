import Foundation
import Imaging

/// A rotated rectangle of an image, in pixels: what MediaPipe calls a region of interest.
///
/// `rotation` is clockwise on screen (image y points down), in radians. A landmark model sees the
/// region warped upright into its square input; ``imagePoint(_:)`` maps its outputs back.
public struct FaceRegion: Sendable, Equatable {
    /// Centre, pixels.
    public var center: SIMD2<Double>
    /// Width and height, pixels.
    public var size: SIMD2<Double>
    /// Clockwise rotation, radians.
    public var rotation: Double

    public init(center: SIMD2<Double>, size: SIMD2<Double>, rotation: Double) {
        self.center = center
        self.size = size
        self.rotation = rotation
    }

    /// The region around a box of points, turned so that the line from `start` to `end` is horizontal, with
    /// its longer side scaled by `scale` and made square (MediaPipe's DetectionsToRects + RectTransformation
    /// with `square_long`).
    public static func around(minimum: SIMD2<Double>, maximum: SIMD2<Double>, start: SIMD2<Double>, end: SIMD2<Double>,
                              scale: Double = 1.5) -> FaceRegion {
        let rotation = normalizedAngle(-atan2(-(end.y - start.y), end.x - start.x))
        let side = max(maximum.x - minimum.x, maximum.y - minimum.y) * scale
        return FaceRegion(center: (minimum + maximum) / 2, size: SIMD2(side, side), rotation: rotation)
    }

    static func normalizedAngle(_ angle: Double) -> Double {
        angle - 2 * Double.pi * ((angle + Double.pi) / (2 * Double.pi)).rounded(.down)
    }

    /// The image point of a point given in the region's normalized frame (0…1 across, 0…1 down).
    public func imagePoint(_ p: SIMD2<Double>) -> SIMD2<Double> {
        let (x, y) = ((p.x - 0.5) * size.x, (p.y - 0.5) * size.y)
        let (c, s) = (cos(rotation), sin(rotation))
        return center + SIMD2(c * x - s * y, s * x + c * y)
    }

    /// The region's pixels warped upright into a `side`×`side` RGB tensor (NHWC, values mapped from 0…255 to
    /// `range`), sampled bilinearly at OpenCV's pixel centres as MediaPipe's ImageToTensor does; outside the
    /// image, the nearest edge pixel (`replicate`) or zero.
    public func tensor(from image: Image, side: Int, range: ClosedRange<Float>, replicate: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: side * side * 3)
        let (c, s) = (cos(rotation), sin(rotation))
        let scale = (range.upperBound - range.lowerBound) / 255
        let channels = image.channels
        let (w, h) = (image.width, image.height)
        image.pixels.withUnsafeBufferPointer { px in
            func sample(_ x: Int, _ y: Int, _ ch: Int) -> Float {
                if x < 0 || y < 0 || x >= w || y >= h {
                    guard replicate else { return 0 }
                    let (cx, cy) = (min(max(x, 0), w - 1), min(max(y, 0), h - 1))
                    return Float(px[(cy * w + cx) * channels + (channels >= 3 ? ch : 0)])
                }
                return Float(px[(y * w + x) * channels + (channels >= 3 ? ch : 0)])
            }
            for j in 0..<side {
                for i in 0..<side {
                    // Output pixel (i, j) sits at i/side, j/side of the region (its corners map to 0 and side).
                    let (u, v) = ((Double(i) / Double(side) - 0.5) * size.x, (Double(j) / Double(side) - 0.5) * size.y)
                    let sx = center.x + c * u - s * v, sy = center.y + s * u + c * v
                    let (x0, y0) = (Int(sx.rounded(.down)), Int(sy.rounded(.down)))
                    let (fx, fy) = (Float(sx - Double(x0)), Float(sy - Double(y0)))
                    for ch in 0..<3 {
                        let top = sample(x0, y0, ch) * (1 - fx) + sample(x0 + 1, y0, ch) * fx
                        let bottom = sample(x0, y0 + 1, ch) * (1 - fx) + sample(x0 + 1, y0 + 1, ch) * fx
                        out[(j * side + i) * 3 + ch] = (top * (1 - fy) + bottom * fy) * scale + range.lowerBound
                    }
                }
            }
        }
        return out
    }
}
