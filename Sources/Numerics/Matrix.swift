import CBLAS

/// A dense matrix of `Double` in column-major order, the layout BLAS and LAPACK use natively.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The entries, column after column (`self[i, j] == storage[i + j * rows]`).
    public var storage: [Double]

    /// A `rows` × `columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over column-major `storage`.
    public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
        precondition(storage.count == rows * columns, "storage holds \(storage.count) entries, not \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from an array of rows.
    public init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        var m = Matrix(rows: r, columns: c)
        for i in 0..<r {
            precondition(rowArrays[i].count == c, "ragged rows")
            for j in 0..<c { m[i, j] = rowArrays[i][j] }
        }
        self = m
    }

    /// The `n` × `n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A diagonal matrix with `values` on its diagonal.
    public static func diagonal(_ values: [Double]) -> Matrix {
        var m = Matrix(rows: values.count, columns: values.count)
        for (i, v) in values.enumerated() { m[i, i] = v }
        return m
    }

    /// The entry in row `i`, column `j`.
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        (0..<columns).map { self[i, $0] }
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t[j, i] = self[i, j] } }
        return t
    }

    /// The Frobenius norm.
    public var frobeniusNorm: Double {
        storage.withUnsafeBufferPointer { cblas_dnrm2(Int32(storage.count), $0.baseAddress, 1) }
    }

    public var description: String {
        (0..<rows).map { i in (0..<columns).map { String(format: "% .5g", self[i, $0]) }.joined(separator: " ") }
            .joined(separator: "\n")
    }
}

// MARK: - Products (BLAS)

extension Matrix {
    /// `alpha · op(a) · op(b)` through `dgemm`, where `op` transposes when asked.
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false, alpha: Double = 1
    ) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb, "inner dimensions differ: \(k) and \(kb)")
        var c = Matrix(rows: m, columns: n)
        guard m > 0, n > 0 else { return c }
        if k == 0 { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(max(a.rows, 1)),
                        pb.baseAddress, Int32(max(b.rows, 1)), 0, pc.baseAddress, Int32(max(m, 1)))
                }
            }
        }
        return c
    }

    /// The matrix product.
    public static func * (a: Matrix, b: Matrix) -> Matrix { product(a, b) }

    /// `self · x` (or `selfᵀ · x`) through `dgemv`.
    public func apply(_ x: [Double], transposed: Bool = false) -> [Double] {
        precondition(x.count == (transposed ? rows : columns), "vector length \(x.count) does not fit \(rows)×\(columns)")
        var y = [Double](repeating: 0, count: transposed ? columns : rows)
        guard rows > 0, columns > 0 else { return y }
        storage.withUnsafeBufferPointer { pa in
            y.withUnsafeMutableBufferPointer { py in
                cblas_dgemv(CblasColMajor, transposed ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), 1,
                            pa.baseAddress, Int32(rows), x, 1, 0, py.baseAddress, 1)
            }
        }
        return y
    }

    /// `aᵀ a` through `dsyrk` (symmetric, both triangles filled).
    public static func gram(_ a: Matrix) -> Matrix {
        var c = Matrix(rows: a.columns, columns: a.columns)
        guard a.rows > 0, a.columns > 0 else { return c }
        a.storage.withUnsafeBufferPointer { pa in
            c.storage.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(a.columns), Int32(a.rows), 1,
                            pa.baseAddress, Int32(a.rows), 0, pc.baseAddress, Int32(a.columns))
            }
        }
        for j in 0..<c.columns { for i in (j + 1)..<max(c.rows, j + 1) { c[i, j] = c[j, i] } }
        return c
    }

    /// Element-wise sum.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        return Matrix(rows: a.rows, columns: a.columns, columnMajor: zip(a.storage, b.storage).map { $0 + $1 })
    }

    /// Element-wise difference.
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns)
        return Matrix(rows: a.rows, columns: a.columns, columnMajor: zip(a.storage, b.storage).map { $0 - $1 })
    }

    /// Scalar multiple.
    public static func * (s: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, columns: a.columns, columnMajor: a.storage.map { s * $0 })
    }
}
