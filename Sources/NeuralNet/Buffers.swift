import CBLAS

/// An array of `count` floats whose contents the caller overwrites completely (no zero fill).
@inline(__always)
func uninitializedFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Makes sure `buffer` holds at least `count` floats, growing it (never shrinking) so it is reused.
@inline(__always)
func reserve(_ buffer: inout [Float], _ count: Int) {
    if buffer.count < count { buffer = uninitializedFloats(count) }
}

/// C = alpha · op(A) · op(B) + beta · C on row-major matrices (OpenBLAS `cblas_sgemm`), split over
/// `ParallelLoop.threads` threads by blocks of C's rows or columns (whichever are more) when the product is large.
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    func product(rows: Range<Int>, columns: Range<Int>) {
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let aStart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bStart = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(columns.count), Int32(k), alpha, aStart, Int32(lda), bStart, Int32(ldb), beta,
                    c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
    }
    let threads = ParallelLoop.threads
    guard threads > 1, m * n * k >= 1 << 20 else {
        product(rows: 0..<m, columns: 0..<n)
        return
    }
    // Blocks of whole 16-row (or column) strips, so every thread keeps OpenBLAS's kernels full.
    if m >= n {
        let strips = (m + 15) / 16
        ParallelLoop.forEach(strips) { part in product(rows: (part.lowerBound * 16)..<min(m, part.upperBound * 16), columns: 0..<n) }
    } else {
        let strips = (n + 15) / 16
        ParallelLoop.forEach(strips) { part in product(rows: 0..<m, columns: (part.lowerBound * 16)..<min(n, part.upperBound * 16)) }
    }
}
