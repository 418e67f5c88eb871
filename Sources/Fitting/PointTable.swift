/// The landmark rows in one flat buffer, for the fitter's hot loops.
///
/// Every model point the fitter may use (the 68 landmarks, then every contour candidate) is a
/// record of `stride` doubles: mean (3), identity rows (3 per component), expression rows (3 per
/// component), jaw weight (1). Each point also lists the expression components that move it at
/// all, so positions skip the rest (a jawline candidate moves with a handful of action units,
/// not all of them). No Swift arrays are copied or retained per point.
struct PointTable: Sendable {
    /// An expression component whose displacement of a point is below this (mm at coefficient 1,
    /// summed over the axes) is treated as not moving it: blendshapes leave tiny tails everywhere,
    /// and 0.01 mm is far below landmark noise.
    static let negligibleMotion = 0.01

    let identityCount: Int
    let expressionCount: Int
    let stride: Int
    let data: [Double]
    /// For point p, its moving expression components are `active[activeStart[p]..<activeStart[p + 1]]`.
    let active: [Int32]
    let activeStart: [Int32]
    /// The same three arrays in memory that lives as long as the table, read through raw pointers in hot loops.
    let raw: RawStorage

    /// Immutable copies of the table's arrays with stable addresses.
    final class RawStorage: @unchecked Sendable {
        let data: UnsafeMutablePointer<Double>
        let active: UnsafeMutablePointer<Int32>
        let activeStart: UnsafeMutablePointer<Int32>
        let counts: (Int, Int, Int)
        init(data: [Double], active: [Int32], activeStart: [Int32]) {
            self.data = .allocate(capacity: max(data.count, 1))
            self.active = .allocate(capacity: max(active.count, 1))
            self.activeStart = .allocate(capacity: max(activeStart.count, 1))
            self.data.initialize(from: data, count: data.count)
            self.active.initialize(from: active, count: active.count)
            self.activeStart.initialize(from: activeStart, count: activeStart.count)
            counts = (data.count, active.count, activeStart.count)
        }
        deinit {
            data.deallocate(); active.deallocate(); activeStart.deallocate()
        }
    }
    /// Jaw weight of every point, contiguous (for sweeps over many points).
    let jawWeights: [Double]
    /// Point index of each landmark (−1 where undefined).
    let landmark: [Int]
    /// Point indices of each contour band's candidates.
    let contour: [[Int]]
    /// Point indices of the far-side outline points (`LandmarkRows.farSide`), in its order; empty without it.
    let farSidePoints: [Int]
    /// The far-side outline views, when the rows have them.
    let farSide: FarSideSilhouette?
    let jawPivot: SIMD3<Double>?

    init(_ rows: LandmarkRows) {
        let k = rows.identityCount, e = rows.expressionCount
        let recordStride = 3 + 3 * k + 3 * e + 1
        var buffer: [Double] = []
        var moving: [Int32] = []
        var starts: [Int32] = [0]
        buffer.reserveCapacity((rows.landmarks.count + rows.contour.reduce(0) { $0 + $1.count }) * recordStride)
        func add(_ p: LandmarkRows.Point) -> Int {
            let index = buffer.count / recordStride
            buffer.append(p.mean.x); buffer.append(p.mean.y); buffer.append(p.mean.z)
            for c in 0..<k { let v = c < p.identity.count ? p.identity[c] : .zero; buffer.append(v.x); buffer.append(v.y); buffer.append(v.z) }
            for c in 0..<e {
                let v = c < p.expression.count ? p.expression[c] : .zero
                buffer.append(v.x); buffer.append(v.y); buffer.append(v.z)
                if abs(v.x) + abs(v.y) + abs(v.z) > PointTable.negligibleMotion { moving.append(Int32(c)) }
            }
            buffer.append(p.jawWeight)
            starts.append(Int32(moving.count))
            return index
        }
        var landmarkIndex: [Int] = []
        for i in 0..<rows.landmarks.count { landmarkIndex.append(rows.defined[i] ? add(rows.landmarks[i]) : -1) }
        var bands: [[Int]] = []
        for band in rows.contour { var list: [Int] = []; for p in band { list.append(add(p)) }; bands.append(list) }
        farSidePoints = (rows.farSide?.points ?? []).map(add)
        var views = rows.farSide
        views?.points = []
        farSide = views
        identityCount = k
        expressionCount = e
        stride = recordStride
        data = buffer
        active = moving
        activeStart = starts
        raw = RawStorage(data: buffer, active: moving, activeStart: starts)
        landmark = landmarkIndex
        contour = bands
        jawWeights = (0..<(starts.count - 1)).map { buffer[$0 * recordStride + recordStride - 1] }
        jawPivot = rows.jawPivot
    }

    /// The position of point `p` before the jaw rotation (mean + identity + expression).
    @inline(__always)
    func preJaw(_ p: Int, identity beta: UnsafeBufferPointer<Double>, expression psi: UnsafeBufferPointer<Double>,
                _ d: UnsafeBufferPointer<Double>, _ act: UnsafeBufferPointer<Int32>) -> SIMD3<Double> {
        let base = p * stride
        var x = SIMD3(d[base], d[base + 1], d[base + 2])
        let kk = min(beta.count, identityCount)
        var o = base + 3
        for c in 0..<kk {
            let b = beta[c]
            if b != 0 { x += b * SIMD3(d[o], d[o + 1], d[o + 2]) }
            o += 3
        }
        let e0 = base + 3 + 3 * identityCount
        for a in Int(activeStart[p])..<Int(activeStart[p + 1]) {
            let c = Int(act[a])
            let v = psi[c]
            if v != 0 { let q = e0 + 3 * c; x += v * SIMD3(d[q], d[q + 1], d[q + 2]) }
        }
        return x
    }

    /// Jaw weight of point `p`.
    @inline(__always)
    func jawWeight(_ p: Int) -> Double { data[p * stride + stride - 1] }

    /// The mean position of point `p` (identity folded in where the rows carry it; no expression, jaw closed):
    /// good enough to pick a first jawline correspondence, at three loads per point.
    @inline(__always)
    func neutralPosition(_ p: Int) -> SIMD3<Double> {
        let base = p * stride
        return SIMD3(raw.data[base], raw.data[base + 1], raw.data[base + 2])
    }

    /// The model-frame position of point `p` (with the jaw opened by `theta`).
    func position(_ p: Int, identity beta: [Double], expression psi: [Double], jaw theta: Double) -> SIMD3<Double> {
        position(p, identity: beta, expression: psi, jawCos: cos(theta), jawSin: sin(theta))
    }

    /// The model-frame position of point `p`, with the jaw rotation's cosine and sine given (hoisted out of loops).
    func position(_ p: Int, identity beta: [Double], expression psi: [Double], jawCos c: Double, jawSin s: Double) -> SIMD3<Double> {
        let d = raw.data, act = raw.active
        let base = p * stride
        var x = SIMD3(d[base], d[base + 1], d[base + 2])
        var o = base + 3
        for k in 0..<min(beta.count, identityCount) {
            let b = beta[k]
            if b != 0 { x += b * SIMD3(d[o], d[o + 1], d[o + 2]) }
            o += 3
        }
        let e0 = base + 3 + 3 * identityCount
        for a in Int(raw.activeStart[p])..<Int(raw.activeStart[p + 1]) {
            let j = Int(act[a])
            let v = psi[j]
            if v != 0 { let q = e0 + 3 * j; x += v * SIMD3(d[q], d[q + 1], d[q + 2]) }
        }
        let w = d[base + stride - 1]
        if let pivot = jawPivot, w > 0, s != 0 {
            let v = x - pivot
            x += w * (SIMD3(v.x, c * v.y - s * v.z, s * v.y + c * v.z) - v)
        }
        return x
    }
}

#if canImport(Glibc)
import Glibc
#endif
