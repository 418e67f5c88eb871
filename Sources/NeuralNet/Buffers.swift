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

/// C = alpha · op(A) · op(B) + beta · C on row-major matrices (OpenBLAS `cblas_sgemm`).
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
