/// Descriptive statistics over arrays of `Double`.
public enum Statistics {
    /// The arithmetic mean (0 for an empty array).
    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count)
    }

    /// The sample standard deviation (`n − 1` denominator; 0 for fewer than two values).
    public static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// Pearson's correlation coefficient (0 when either side is constant).
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// The `q`-quantile (0…1) by linear interpolation, as NumPy's default.
    public static func quantile(_ x: [Double], _ q: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        let s = x.sorted()
        let pos = q * Double(s.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
    }

    /// The median.
    public static func median(_ x: [Double]) -> Double { quantile(x, 0.5) }
}
