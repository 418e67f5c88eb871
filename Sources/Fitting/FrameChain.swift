import CBLAS
import CLAPACKE

/// The per-frame blocks of one sequence's normal equations, each over only the frame's free
/// parameters (coefficients held at a bound leave the system), chained in time by sparse couplings:
/// temporal smoothness ties a parameter only to the same parameter of the previous frame (and the
/// three rotation components to each other). Solved by the block Thomas algorithm with explicit
/// block inverses: S_t = F_t − B_t S_{t−1}⁻¹ B_tᵀ, which with sparse B_t costs O(n²) per frame besides
/// one n×n inversion, so a step is linear in the number of frames.
struct FrameChain {
    /// One nonzero of a coupling block B_t (row `row` of frame t, column `column` of frame t − 1).
    struct Coupling {
        var row: Int32
        var column: Int32
        var value: Double
    }

    /// Frames.
    let count: Int
    /// Right-hand side columns.
    let columns: Int
    /// Free parameters of each frame.
    private(set) var sizes: [Int]
    /// Offsets of each frame's square block and of its right-hand side block in the flat buffers.
    private(set) var blockOffsets: [Int]
    private(set) var rhsOffsets: [Int]
    /// Diagonal blocks (full symmetric, column-major); replaced by their inverses when solved.
    var blocks: [Double]
    /// Right-hand sides (n_t × columns, column-major); replaced by the solution when solved.
    var rhs: [Double]
    /// Couplings of frame t to frame t − 1 (empty for t = 0).
    var couplings: [[Coupling]]

    /// A chain of `sizes.count` frames with `columns` right-hand sides, all blocks zero.
    init(sizes: [Int], columns: Int) {
        count = sizes.count
        self.columns = columns
        self.sizes = sizes
        var b = 0, r = 0
        blockOffsets = []; rhsOffsets = []
        blockOffsets.reserveCapacity(sizes.count); rhsOffsets.reserveCapacity(sizes.count)
        for n in sizes {
            blockOffsets.append(b); rhsOffsets.append(r)
            b += n * n; r += n * columns
        }
        blocks = [Double](repeating: 0, count: b)
        rhs = [Double](repeating: 0, count: r)
        couplings = Array(repeating: [], count: sizes.count)
    }

    /// Solves the chain in place: afterwards `rhs` holds the solution. False if a block is not positive definite.
    mutating func solve() -> Bool {
        let cols = columns
        let sizes = self.sizes, bo = blockOffsets, ro = rhsOffsets, couplings = self.couplings, count = self.count
        let maxSize = sizes.max() ?? 0
        // Z_t = S_t⁻¹ Y_t, kept for the backward sweep; scratch for the backward products.
        var z = [Double](repeating: 0, count: rhs.count)
        var w = [Double](repeating: 0, count: max(maxSize * cols, 1))
        let ok = blocks.withUnsafeMutableBufferPointer { B -> Bool in
            rhs.withUnsafeMutableBufferPointer { Y -> Bool in
                z.withUnsafeMutableBufferPointer { Z -> Bool in
                    w.withUnsafeMutableBufferPointer { W -> Bool in
                        let b = B.baseAddress!, y = Y.baseAddress!, zz = Z.baseAddress!, ww = W.baseAddress!
                        for t in 0..<count {
                            let n = sizes[t]
                            let block = b + bo[t], yt = y + ro[t]
                            if t > 0, !couplings[t].isEmpty {
                                let m = sizes[t - 1]
                                let previous = b + bo[t - 1], zPrevious = zz + ro[t - 1]
                                let list = couplings[t]
                                // S_t −= B S⁻¹ Bᵀ and Y_t −= B Z_{t−1}.
                                for e in list {
                                    let i = Int(e.row), k = Int(e.column)
                                    for f in list {
                                        block[i + Int(f.row) * n] -= e.value * f.value * previous[k + Int(f.column) * m]
                                    }
                                    for c in 0..<cols { yt[i + c * n] -= e.value * zPrevious[k + c * m] }
                                }
                            }
                            guard invertSymmetricPositiveDefinite(block, n) else { return false }
                            FrameChain.multiply(block, n, yt, cols, into: zz + ro[t])
                        }
                        // Backward: X_t = Z_t − S_t⁻¹ B_{t+1}ᵀ X_{t+1}.
                        for t in stride(from: count - 1, through: 0, by: -1) {
                            let n = sizes[t]
                            let xt = y + ro[t], zt = zz + ro[t]
                            for i in 0..<(n * cols) { xt[i] = zt[i] }
                            guard t + 1 < count, !couplings[t + 1].isEmpty else { continue }
                            let m = sizes[t + 1], xNext = y + ro[t + 1]
                            for i in 0..<(n * cols) { ww[i] = 0 }
                            for e in couplings[t + 1] {
                                let i = Int(e.row), k = Int(e.column)
                                for c in 0..<cols { ww[k + c * n] += e.value * xNext[i + c * m] }
                            }
                            let inverse = b + bo[t]
                            if cols > 1 {
                                guard n > 0 else { continue }
                                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(cols), Int32(n), -1, inverse, Int32(n),
                                            ww, Int32(n), 1, xt, Int32(n))
                                continue
                            }
                            for c in 0..<cols {
                                for k in 0..<n {
                                    let v = ww[k + c * n]
                                    if v == 0 { continue }
                                    let column = inverse + k * n, out = xt + c * n
                                    for i in 0..<n { out[i] -= column[i] * v }
                                }
                            }
                        }
                        return true
                    }
                }
            }
        }
        return ok
    }

    /// out = A·X for the symmetric n×n `a` and the n×cols `x`.
    private static func multiply(_ a: UnsafeMutablePointer<Double>, _ n: Int, _ x: UnsafeMutablePointer<Double>, _ cols: Int,
                          into out: UnsafeMutablePointer<Double>) {
        if cols > 1 && n > 0 {
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(cols), Int32(n), 1, a, Int32(n), x, Int32(n), 0, out, Int32(n))
            return
        }
        for c in 0..<cols {
            let o = out + c * n, xc = x + c * n
            for i in 0..<n { o[i] = 0 }
            for k in 0..<n {
                let v = xc[k]
                if v == 0 { continue }
                let column = a + k * n
                for i in 0..<n { o[i] += column[i] * v }
            }
        }
    }
}

/// Inverts the symmetric positive definite n×n matrix `a` (column-major; the lower triangle is read)
/// in place by LAPACK's Cholesky routines, leaving the full symmetric inverse. Returns false when A is
/// not positive definite.
func invertSymmetricPositiveDefinite(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> Bool {
    guard n > 0 else { return true }
    let lower = Int8(UInt8(ascii: "L"))
    guard LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, lower, Int32(n), a, Int32(n)) == 0,
          LAPACKE_dpotri_work(LAPACK_COL_MAJOR, lower, Int32(n), a, Int32(n)) == 0 else { return false }
    for j in 1..<max(n, 1) { for i in 0..<j { a[i + j * n] = a[j + i * n] } }
    return true
}
