/// Colour scales for maps and legends, as sRGB bytes.
///
/// `.sequential` runs from dark purple through red and orange to pale yellow (perceptually ordered,
/// readable in greyscale: a magma-like ramp) for magnitudes; `.diverging` runs from blue through
/// near-white to red for signed values centred on zero (blue below, red above).
public enum ColorScale: String, Sendable, CaseIterable {
    case sequential, diverging

    private var stops: [SIMD3<Float>] {
        switch self {
        case .sequential:
            [SIMD3(0.001, 0.000, 0.014), SIMD3(0.316, 0.072, 0.485), SIMD3(0.716, 0.215, 0.475),
             SIMD3(0.987, 0.535, 0.382), SIMD3(0.987, 0.991, 0.750)]
        case .diverging:
            [SIMD3(0.020, 0.188, 0.380), SIMD3(0.263, 0.576, 0.765), SIMD3(0.969, 0.969, 0.969),
             SIMD3(0.839, 0.376, 0.302), SIMD3(0.404, 0.000, 0.122)]
        }
    }

    /// The colour at `t` in 0…1 (clamped), components 0…1 in sRGB.
    public func color(_ t: Double) -> SIMD3<Float> {
        let s = stops
        let x = Float(min(max(t.isNaN ? 0.5 : t, 0), 1)) * Float(s.count - 1)
        let i = min(Int(x), s.count - 2)
        let f = x - Float(i)
        return s[i] * (1 - f) + s[i + 1] * f
    }

    /// The colour at `t` as sRGB bytes.
    public func bytes(_ t: Double) -> [UInt8] {
        let c = color(t)
        return [UInt8((c.x * 255).rounded()), UInt8((c.y * 255).rounded()), UInt8((c.z * 255).rounded())]
    }
}

/// A value range shown with a colour scale: values map linearly onto the scale; a diverging range
/// is symmetric about zero.
public struct ColorRange: Sendable, Equatable {
    public var scale: ColorScale
    public var minimum: Double
    public var maximum: Double

    /// A range covering `values` (a diverging range spans ±max|value|).
    public init(scale: ColorScale, covering values: [Double]) {
        self.scale = scale
        let finite = values.filter(\.isFinite)
        switch scale {
        case .sequential:
            minimum = min(finite.min() ?? 0, 0)
            maximum = max(finite.max() ?? 1, minimum + 1e-9)
        case .diverging:
            let m = max(finite.map(abs).max() ?? 1, 1e-9)
            minimum = -m
            maximum = m
        }
    }

    public init(scale: ColorScale, minimum: Double, maximum: Double) {
        self.scale = scale
        self.minimum = minimum
        self.maximum = max(maximum, minimum + 1e-12)
    }

    /// The position of `value` on the scale, 0…1.
    public func position(_ value: Double) -> Double {
        (value - minimum) / (maximum - minimum)
    }

    /// The sRGB colour (0…1) of `value`.
    public func color(_ value: Double) -> SIMD3<Float> { scale.color(position(value)) }
}
