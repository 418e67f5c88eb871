@testable import Fitting
import Numerics
import Testing

/// The block-tridiagonal chain solver against the dense system it stands for.
@Suite struct FrameChainTests {
    /// Frames of different sizes, sparse couplings, two right-hand sides: A·x reproduces the right-hand side.
    @Test func solvesLikeDense() throws {
        var rng = SeededGenerator(seed: 4)
        let sizes = [3, 4, 2, 4]
        var chain = FrameChain(sizes: sizes, columns: 2)
        let total = sizes.reduce(0, +)
        var dense = [Double](repeating: 0, count: total * total)
        var offsets = [0]; for s in sizes { offsets.append(offsets.last! + s) }
        for t in 0..<sizes.count {
            let n = sizes[t]
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n { a[i + j * n] = rng.nextGaussian() } }
            for i in 0..<n { for j in 0..<n {
                var s = 0.0
                for k in 0..<n { s += a[i + k * n] * a[j + k * n] }
                let v = s + (i == j ? Double(n) + 3 : 0)
                chain.blocks[chain.blockOffsets[t] + i + j * n] = v
                dense[(offsets[t] + i) + (offsets[t] + j) * total] = v
            } }
            for c in 0..<2 { for i in 0..<n { chain.rhs[chain.rhsOffsets[t] + i + c * n] = rng.nextGaussian() } }
            if t > 0 {
                let list = [FrameChain.Coupling(row: 0, column: 1, value: -0.7), FrameChain.Coupling(row: 1, column: 0, value: 0.4)]
                chain.couplings[t] = list
                for e in list {
                    let r = offsets[t] + Int(e.row), c = offsets[t - 1] + Int(e.column)
                    dense[r + c * total] += e.value; dense[c + r * total] += e.value
                }
            }
        }
        let rhs = chain.rhs
        let solved = chain.solve()
        #expect(solved)
        // Check dense · x = rhs.
        for c in 0..<2 {
            for r in 0..<total {
                var s = 0.0
                for t in 0..<sizes.count { for i in 0..<sizes[t] { s += dense[r + (offsets[t] + i) * total] * chain.rhs[chain.rhsOffsets[t] + i + c * sizes[t]] } }
                var t = 0; while offsets[t + 1] <= r { t += 1 }
                let expected = rhs[chain.rhsOffsets[t] + (r - offsets[t]) + c * sizes[t]]
                #expect(abs(s - expected) < 1e-9, "row \(r) col \(c): \(s) vs \(expected)")
            }
        }
    }
}
