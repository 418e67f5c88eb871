import CLAPACKE
import FaceAtlasCore

/// A failure of a LAPACK routine, with its name and `info` code.
public struct LinearAlgebraError: Error, CustomStringConvertible, Sendable {
    /// The routine that failed, e.g. `dposv`.
    public var routine: String
    /// LAPACK's `info` value.
    public var info: Int32
    public var description: String {
        info > 0
            ? "\(routine): the matrix is singular or not positive definite (info \(info))"
            : "\(routine): argument \(-info) is invalid"
    }
}

/// The thin singular value decomposition `a = u · diag(s) · vᵀ`.
public struct SingularValueDecomposition: Sendable {
    /// Left singular vectors, `rows` × `min(rows, columns)`.
    public var u: Matrix
    /// Singular values, descending.
    public var s: [Double]
    /// Right singular vectors transposed, `min(rows, columns)` × `columns`.
    public var vt: Matrix
}

/// The eigen-decomposition of a symmetric matrix, eigenvalues ascending.
public struct SymmetricEigenDecomposition: Sendable {
    /// Eigenvalues in ascending order.
    public var values: [Double]
    /// Eigenvectors, one per column, in the order of `values`.
    public var vectors: Matrix
}

extension Matrix {
    /// The thin SVD through LAPACK's divide-and-conquer `dgesdd`.
    public func svd() throws -> SingularValueDecomposition {
        let k = min(rows, columns)
        var a = storage
        var s = [Double](repeating: 0, count: k)
        var u = Matrix(rows: rows, columns: k)
        var vt = Matrix(rows: k, columns: columns)
        let info = a.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.storage.withUnsafeMutableBufferPointer { pu in
                    vt.storage.withUnsafeMutableBufferPointer { pv in
                        LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "S")), Int32(rows), Int32(columns),
                                       pa.baseAddress, Int32(max(rows, 1)), ps.baseAddress,
                                       pu.baseAddress, Int32(max(rows, 1)), pv.baseAddress, Int32(max(k, 1)))
                    }
                }
            }
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dgesdd", info: info) }
        return SingularValueDecomposition(u: u, s: s, vt: vt)
    }

    /// The eigen-decomposition of this symmetric matrix through `dsyevd`.
    public func symmetricEigen() throws -> SymmetricEigenDecomposition {
        precondition(rows == columns, "eigen-decomposition needs a square matrix")
        var a = storage
        var w = [Double](repeating: 0, count: rows)
        let info = a.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), Int32(rows),
                               pa.baseAddress, Int32(max(rows, 1)), pw.baseAddress)
            }
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dsyevd", info: info) }
        return SymmetricEigenDecomposition(values: w, vectors: Matrix(rows: rows, columns: rows, columnMajor: a))
    }

    /// Solves `self · x = b` for a symmetric positive-definite `self` (Cholesky, `dposv`).
    public func solveSymmetricPositiveDefinite(_ b: Matrix) throws -> Matrix {
        precondition(rows == columns && b.rows == rows)
        var a = storage
        var x = b
        let info = a.withUnsafeMutableBufferPointer { pa in
            x.storage.withUnsafeMutableBufferPointer { px in
                LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(rows), Int32(b.columns),
                              pa.baseAddress, Int32(max(rows, 1)), px.baseAddress, Int32(max(rows, 1)))
            }
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dposv", info: info) }
        return x
    }

    /// Solves the square system `self · x = b` by LU with partial pivoting (`dgesv`).
    public func solve(_ b: Matrix) throws -> Matrix {
        precondition(rows == columns && b.rows == rows)
        var a = storage
        var x = b
        var pivots = [Int32](repeating: 0, count: rows)
        let info = a.withUnsafeMutableBufferPointer { pa in
            x.storage.withUnsafeMutableBufferPointer { px in
                LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(rows), Int32(b.columns), pa.baseAddress, Int32(max(rows, 1)),
                              &pivots, px.baseAddress, Int32(max(rows, 1)))
            }
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dgesv", info: info) }
        return x
    }

    /// The minimum-norm least-squares solution of `self · x ≈ b` through the SVD-based `dgelsd`.
    /// Singular values below `rcond` times the largest are treated as zero.
    public func leastSquares(_ b: Matrix, rcond: Double = 1e-12) throws -> Matrix {
        precondition(b.rows == rows)
        let ldb = max(rows, columns, 1)
        var a = storage
        var x = Matrix(rows: ldb, columns: b.columns)
        for j in 0..<b.columns { for i in 0..<rows { x[i, j] = b[i, j] } }
        var s = [Double](repeating: 0, count: min(rows, columns))
        var rank: Int32 = 0
        let info = a.withUnsafeMutableBufferPointer { pa in
            x.storage.withUnsafeMutableBufferPointer { px in
                LAPACKE_dgelsd(LAPACK_COL_MAJOR, Int32(rows), Int32(columns), Int32(b.columns), pa.baseAddress,
                               Int32(max(rows, 1)), px.baseAddress, Int32(ldb), &s, rcond, &rank)
            }
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dgelsd", info: info) }
        var out = Matrix(rows: columns, columns: b.columns)
        for j in 0..<b.columns { for i in 0..<columns { out[i, j] = x[i, j] } }
        return out
    }

    /// The inverse of a symmetric positive-definite matrix (Cholesky, `dpotrf` + `dpotri`).
    public func inverseSymmetricPositiveDefinite() throws -> Matrix {
        precondition(rows == columns)
        var a = storage
        var info = a.withUnsafeMutableBufferPointer {
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(rows), $0.baseAddress, Int32(max(rows, 1)))
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dpotrf", info: info) }
        info = a.withUnsafeMutableBufferPointer {
            LAPACKE_dpotri(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(rows), $0.baseAddress, Int32(max(rows, 1)))
        }
        guard info == 0 else { throw LinearAlgebraError(routine: "dpotri", info: info) }
        var m = Matrix(rows: rows, columns: rows, columnMajor: a)
        for j in 0..<rows { for i in (j + 1)..<max(rows, j + 1) { m[i, j] = m[j, i] } }
        return m
    }
}
