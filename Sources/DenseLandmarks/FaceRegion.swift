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
        let gray = channels < 3
        image.pixels.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { dst in
                for j in 0..<side {
                    let v = (Double(j) / Double(side) - 0.5) * size.y
                    for i in 0..<side {
                        // Output pixel (i, j) sits at i/side, j/side of the region (its corners map to 0 and side).
                        let u = (Double(i) / Double(side) - 0.5) * size.x
                        let sx = center.x + c * u - s * v, sy = center.y + s * u + c * v
                        let fx0 = sx.rounded(.down), fy0 = sy.rounded(.down)
                        let (fx, fy) = (Float(sx - fx0), Float(sy - fy0))
                        let o = (j * side + i) * 3
                        let inside = fx0 >= 0 && fy0 >= 0 && fx0 < Double(w - 1) && fy0 < Double(h - 1)
                        if !inside && !replicate && (fx0 < -1 || fy0 < -1 || fx0 >= Double(w) || fy0 >= Double(h)) {
                            for ch in 0..<3 { dst[o + ch] = range.lowerBound }
                            continue
                        }
                        let x0 = Int(fx0), y0 = Int(fy0)
                        // The four neighbours' offsets (clamped to the edge, or marked outside for zero padding).
                        func offset(_ x: Int, _ y: Int) -> Int {
                            if x >= 0 && y >= 0 && x < w && y < h { return (y * w + x) * channels }
                            return replicate ? (min(max(y, 0), h - 1) * w + min(max(x, 0), w - 1)) * channels : -1
                        }
                        let (a, b, cc, d) = inside
                            ? ((y0 * w + x0) * channels, (y0 * w + x0 + 1) * channels, ((y0 + 1) * w + x0) * channels, ((y0 + 1) * w + x0 + 1) * channels)
                            : (offset(x0, y0), offset(x0 + 1, y0), offset(x0, y0 + 1), offset(x0 + 1, y0 + 1))
                        let (wa, wb, wc, wd) = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
                        for ch in 0..<3 {
                            let k = gray ? 0 : ch
                            var value = Float(0)
                            if a >= 0 { value += wa * Float(px[a + k]) }
                            if b >= 0 { value += wb * Float(px[b + k]) }
                            if cc >= 0 { value += wc * Float(px[cc + k]) }
                            if d >= 0 { value += wd * Float(px[d + k]) }
                            dst[o + ch] = value * scale + range.lowerBound
                        }
                    }
                }
            }
        }
        return out
    }
}
