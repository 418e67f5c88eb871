/// Element-wise loops written with 16-wide SIMD, for the passes over whole activations that the
/// compiler does not vectorize by itself (selects, and loops whose pointers it cannot prove apart).
enum VectorKernels {
    /// out[i] = max(x[i], 0) for i in `range`.
    @inline(__always)
    static func relu(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i + 16 <= range.upperBound {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v.replacing(with: 0, where: v .< 0), as: SIMD16<Float>.self)
            i += 16
        }
        while i < range.upperBound { out[i] = max(x[i], 0); i += 1 }
    }

    /// out[i] = y[i] > 0 ? g[i] : 0 for i in `range` (the ReLU backward pass, from its output y).
    @inline(__always)
    static func reluBackward(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i + 16 <= range.upperBound {
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: gv.replacing(with: 0, where: yv .<= 0), as: SIMD16<Float>.self)
            i += 16
        }
        while i < range.upperBound { out[i] = y[i] > 0 ? g[i] : 0; i += 1 }
    }

    /// out[i] += x[i] for i in `range`.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i + 16 <= range.upperBound {
            let a = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: a + b, as: SIMD16<Float>.self)
            i += 16
        }
        while i < range.upperBound { out[i] += x[i]; i += 1 }
    }

    /// (Σ x, Σ x²) over `count` values, accumulated in 16 lanes.
    @inline(__always)
    static func sumAndSquares(_ x: UnsafePointer<Float>, _ count: Int) -> (Float, Float) {
        sumAndDot(x, x, count)
    }

    /// (Σ g, Σ g·h) over `count` values, accumulated in 16 lanes.
    @inline(__always)
    static func sumAndDot(_ g: UnsafePointer<Float>, _ h: UnsafePointer<Float>, _ count: Int) -> (Float, Float) {
        var s = SIMD16<Float>(), d = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD16<Float>.self)
            let hv = UnsafeRawPointer(h + i).loadUnaligned(as: SIMD16<Float>.self)
            s += gv
            d += gv * hv
            i += 16
        }
        var sum = s.sum(), dot = d.sum()
        while i < count { sum += g[i]; dot += g[i] * h[i]; i += 1 }
        return (sum, dot)
    }

    /// out[i] = x[i]·a + b for `count` values.
    @inline(__always)
    static func affine(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int, _ a: Float, _ b: Float) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v * a + b, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { out[i] = x[i] * a + b; i += 1 }
    }

    /// xhat[i] = (x[i] − mean)·inv and out[i] = xhat[i]·γ + β for `count` values.
    @inline(__always)
    static func normalize(_ x: UnsafePointer<Float>, _ xhat: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                          _ count: Int, mean: Float, inverse: Float, scale: Float, shift: Float) {
        var i = 0
        while i + 16 <= count {
            let v = (UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - mean) * inverse
            UnsafeMutableRawPointer(xhat + i).storeBytes(of: v, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v * scale + shift, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { let v = (x[i] - mean) * inverse; xhat[i] = v; out[i] = v * scale + shift; i += 1 }
    }

    /// out[i] = k·(m·g[i] − sumG − h[i]·dot) for `count` values (the batch-norm input gradient).
    @inline(__always)
    static func batchNormGradient(_ g: UnsafePointer<Float>, _ h: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                  _ count: Int, k: Float, m: Float, sumG: Float, dot: Float) {
        var i = 0
        while i + 16 <= count {
            let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD16<Float>.self)
            let hv = UnsafeRawPointer(h + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: k * (m * gv - sumG - hv * dot), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { out[i] = k * (m * g[i] - sumG - h[i] * dot); i += 1 }
    }
}
