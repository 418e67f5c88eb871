import Testing
@testable import Numerics

@Suite struct LinearAlgebraTests {
    @Test func productMatchesHandComputation() {
        let a = Matrix([[1, 2, 3], [4, 5, 6]])
        let b = Matrix([[7, 8], [9, 10], [11, 12]])
        #expect(a * b == Matrix([[58, 64], [139, 154]]))
        #expect(Matrix.product(a, a, transposeB: true) == Matrix([[14, 32], [32, 77]]))
        #expect(Matrix.gram(a) == Matrix.product(a, a, transposeA: true))
        #expect(a.apply([1, 0, -1]) == [-2, -2])
        #expect(a.apply([1, 1], transposed: true) == [5, 7, 9])
    }

    @Test func svdReconstructsTheMatrix() throws {
        var rng = SeededGenerator(seed: 7)
        var a = Matrix(rows: 6, columns: 4)
        for i in 0..<a.storage.count { a.storage[i] = rng.nextGaussian() }
        let d = try a.svd()
        #expect(d.s == d.s.sorted(by: >))
        let r = d.u * Matrix.diagonal(d.s) * d.vt
        #expect((r - a).frobeniusNorm < 1e-10)
    }

    @Test func symmetricEigenSatisfiesDefinition() throws {
        let a = Matrix([[4, 1, 0], [1, 3, 1], [0, 1, 2]])
        let e = try a.symmetricEigen()
        for k in 0..<3 {
            let v = e.vectors.column(k)
            let av = a.apply(v)
            for i in 0..<3 { #expect(abs(av[i] - e.values[k] * v[i]) < 1e-10) }
        }
        #expect(e.values == e.values.sorted())
    }

    @Test func solversAgree() throws {
        let a = Matrix([[4, 1, 0], [1, 3, 1], [0, 1, 2]])
        let b = Matrix([[1], [2], [3]])
        let x1 = try a.solveSymmetricPositiveDefinite(b)
        let x2 = try a.solve(b)
        let x3 = try a.leastSquares(b)
        #expect((x1 - x2).frobeniusNorm < 1e-12)
        #expect((x1 - x3).frobeniusNorm < 1e-12)
        #expect((a * x1 - b).frobeniusNorm < 1e-12)
        let inv = try a.inverseSymmetricPositiveDefinite()
        #expect((inv * a - Matrix.identity(3)).frobeniusNorm < 1e-12)
    }

    @Test func singularSystemIsReported() {
        let a = Matrix([[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.self) { try a.solve(Matrix([[1], [1]])) }
    }

    @Test func leastSquaresFitsALine() throws {
        // y = 2x + 1 with exact data: the overdetermined fit recovers it.
        let xs: [Double] = [0, 1, 2, 3, 4]
        let a = Matrix(xs.map { [$0, 1] })
        let b = Matrix(xs.map { [2 * $0 + 1] })
        let x = try a.leastSquares(b)
        #expect(abs(x[0, 0] - 2) < 1e-12 && abs(x[1, 0] - 1) < 1e-12)
    }

    @Test func pcaRecoversAxesAndSpread() throws {
        // Samples spread with SD 3 along (1,1)/√2 and SD 0.5 along (1,-1)/√2.
        var rng = SeededGenerator(seed: 11)
        var x = Matrix(rows: 4000, columns: 2)
        for i in 0..<4000 {
            let a = 3 * rng.nextGaussian(), b = 0.5 * rng.nextGaussian()
            x[i, 0] = (a + b) / 2.0.squareRoot() + 10
            x[i, 1] = (a - b) / 2.0.squareRoot() - 5
        }
        let pca = try PrincipalComponents(samples: x, count: 2)
        #expect(abs(pca.mean[0] - 10) < 0.2 && abs(pca.mean[1] + 5) < 0.2)
        #expect(abs(pca.standardDeviations[0] - 3) < 0.15)
        #expect(abs(pca.standardDeviations[1] - 0.5) < 0.05)
        #expect(abs(abs(pca.axes[0, 0]) - 1 / 2.0.squareRoot()) < 0.01)
        // Gram path (fewer samples than dimensions) agrees with the covariance path.
        var wide = Matrix(rows: 5, columns: 8)
        for i in 0..<wide.storage.count { wide.storage[i] = rng.nextGaussian() }
        let g = try PrincipalComponents(samples: wide, count: 3)
        for c in 0..<3 {
            let axis = g.axes.column(c)
            #expect(abs(axis.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
        }
        #expect(g.standardDeviations == g.standardDeviations.sorted(by: >))
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        var g = SeededGenerator(seed: 1)
        let xs = (0..<20000).map { _ in g.nextGaussian() }
        #expect(abs(Statistics.mean(xs)) < 0.03)
        #expect(abs(Statistics.standardDeviation(xs) - 1) < 0.03)
    }
}
