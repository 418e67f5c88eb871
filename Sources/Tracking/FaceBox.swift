/// A face found by the detector: a box in image pixels and the detector's score.
///
/// Edges follow dlib: `right` and `bottom` are the last pixel inside the box, so a box from
/// 10 to 19 is 10 pixels wide.
public struct FaceBox: Sendable, Equatable {
    /// The first column inside the box.
    public var left: Double
    /// The first row inside the box.
    public var top: Double
    /// The last column inside the box.
    public var right: Double
    /// The last row inside the box.
    public var bottom: Double
    /// dlib's detection score (the SVM margin): above 0 at dlib's default threshold, about 0...3.
    public var score: Double

    /// Creates a box.
    public init(left: Double, top: Double, right: Double, bottom: Double, score: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
        self.score = score
    }

    /// Width in pixels.
    public var width: Double { right - left + 1 }
    /// Height in pixels.
    public var height: Double { bottom - top + 1 }
    /// The centre.
    public var centre: SIMD2<Double> { SIMD2((left + right) / 2, (top + bottom) / 2) }
    /// Width × height.
    public var area: Double { max(0, width) * max(0, height) }

    /// Intersection over union with `other`: 1 for the same box, 0 for boxes apart.
    public func overlap(_ other: FaceBox) -> Double {
        let w = min(right, other.right) - max(left, other.left) + 1
        let h = min(bottom, other.bottom) - max(top, other.top) + 1
        guard w > 0, h > 0 else { return 0 }
        let intersection = w * h
        return intersection / (area + other.area - intersection)
    }

    /// The distance between the centres, in units of this box's width (0 for the same place).
    public func distance(to other: FaceBox) -> Double {
        let d = other.centre - centre
        return (d * d).sum().squareRoot() / max(width, 1)
    }
}
