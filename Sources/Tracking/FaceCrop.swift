import Imaging

/// Face crops for the diagnoser: the face turned upright and scaled by a similarity transform
/// that puts the eye centres at fixed places, sampled bilinearly.
///
/// The eye centres are the means of iBUG points 36–41 (the subject's right eye, on the image
/// left) and 42–47; in a crop of side *s* they land at (0.36 *s*, 0.40 *s*) and
/// (0.64 *s*, 0.40 *s*), which keeps the brows and the chin inside.
public enum FaceCrop {
    /// Where the image-left eye centre lands, as a fraction of the side.
    public static let leftEye = SIMD2<Double>(0.36, 0.40)
    /// Where the image-right eye centre lands, as a fraction of the side.
    public static let rightEye = SIMD2<Double>(0.64, 0.40)

    /// The eye centres (image left first) of 68 iBUG points.
    public static func eyeCentres(_ points: [SIMD2<Double>]) -> (SIMD2<Double>, SIMD2<Double>) {
        precondition(points.count == 68, "eye centres need the 68 iBUG points")
        let left = points[36...41].reduce(SIMD2<Double>(), +) / 6
        let right = points[42...47].reduce(SIMD2<Double>(), +) / 6
        return (left, right)
    }

    /// The similarity transform between a crop's pixels and the image's for one face: the eye
    /// centres of its points land at `leftEye` and `rightEye` (fractions of the side `size`).
    public struct Alignment: Sendable {
        /// The crop side in pixels.
        public let size: Int
        private let eyeL: SIMD2<Double>, targetL: SIMD2<Double>
        /// p_image = eyeL + M (p_crop − targetL), M = [[a, −b], [b, a]] (scale · rotation).
        private let a: Double, b: Double

        /// The alignment of the face with the 68 iBUG `points` in a crop of side `size`.
        public init(points: [SIMD2<Double>], size: Int) {
            let (eyeL, eyeR) = FaceCrop.eyeCentres(points)
            let s = Double(size)
            let targetL = FaceCrop.leftEye * s, targetR = FaceCrop.rightEye * s
            // M from the eye vectors (complex division).
            let source = eyeR - eyeL, target = targetR - targetL
            let denominator = (target * target).sum()
            self.size = size
            self.eyeL = eyeL
            self.targetL = targetL
            a = (source.x * target.x + source.y * target.y) / denominator
            b = (source.y * target.x - source.x * target.y) / denominator
        }

        /// The image point under the crop point `p` (crop pixel centres at integer coordinates, like the image's).
        public func imagePoint(_ p: SIMD2<Double>) -> SIMD2<Double> {
            let d = p - targetL
            return SIMD2(eyeL.x + a * d.x - b * d.y, eyeL.y + b * d.x + a * d.y)
        }

        /// The crop point over the image point `p` (the inverse of `imagePoint`).
        public func cropPoint(_ p: SIMD2<Double>) -> SIMD2<Double> {
            let d = p - eyeL, n = a * a + b * b
            return targetL + SIMD2(a * d.x + b * d.y, -b * d.x + a * d.y) / n
        }
    }

    /// The `size` × `size` crop of `image` (any channel count) aligned by the eyes of `points`;
    /// outside the image it is black (or transparent).
    public static func aligned(_ image: Image, points: [SIMD2<Double>], size: Int = 224) -> Image {
        aligned(image, alignment: Alignment(points: points, size: size))
    }

    /// The crop of `image` (any channel count) under `alignment`; outside the image it is black (or transparent).
    public static func aligned(_ image: Image, alignment: Alignment) -> Image {
        let size = alignment.size
        let channels = image.channels
        var out = Image(width: size, height: size, channels: channels)
        let width = image.width, height = image.height
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for row in 0..<size {
                    for column in 0..<size {
                        let p = alignment.imagePoint(SIMD2(Double(column), Double(row)))
                        let x = p.x, y = p.y
                        guard x > -1, y > -1, x < Double(width), y < Double(height) else { continue }
                        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
                        let fx = x - Double(x0), fy = y - Double(y0)
                        let base = (row * size + column) * channels
                        for c in 0..<channels {
                            func sample(_ px: Int, _ py: Int) -> Double {
                                guard px >= 0, py >= 0, px < width, py < height else { return 0 }
                                return Double(src[(py * width + px) * channels + c])
                            }
                            let top = sample(x0, y0) * (1 - fx) + sample(x0 + 1, y0) * fx
                            let bottom = sample(x0, y0 + 1) * (1 - fx) + sample(x0 + 1, y0 + 1) * fx
                            dst[base + c] = UInt8(min(255, max(0, (top * (1 - fy) + bottom * fy).rounded())))
                        }
                    }
                }
            }
        }
        return out
    }
}
