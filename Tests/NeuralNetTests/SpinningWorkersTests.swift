import Dispatch
import Foundation
@testable import NeuralNet
import Testing

@Suite("Spinning worker threads of the parallel loops")
struct SpinningWorkersTests {
    /// Counts per part, written by the parts themselves.
    final class Counts: @unchecked Sendable {
        var values: [Int]
        init(_ count: Int) { values = [Int](repeating: 0, count: count) }
    }

    @Test("every part of every loop runs exactly once: many short loops, loops after the workers slept, nested loops")
    func partsRunOnce() {
        let pool = SpinningWorkers(threads: 3)
        let counts = Counts(3)
        var expected = [0, 0, 0]
        for loop in 0..<20_000 {
            let parts = loop % 3 + 1
            pool.run(parts: parts) { part in counts.values[part] += 1 }
            for part in 0..<parts { expected[part] += 1 }
            if loop % 5_000 == 4_999 { usleep(20_000) }    // long enough for the workers to sleep
        }
        #expect(counts.values == expected)
        // A loop started inside a part runs on that part's thread, serially.
        let inner = Counts(9)
        pool.run(parts: 3) { outer in
            pool.run(parts: 3) { part in inner.values[outer * 3 + part] += 1 }
        }
        #expect(inner.values == [Int](repeating: 1, count: 9))
    }

    @Test("loops started from two threads at once all complete (one of them runs serially while the pool is busy)")
    func concurrentCallers() {
        let pool = SpinningWorkers(threads: 2)
        let counts = [Counts(2), Counts(2)]
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            for _ in 0..<5_000 { pool.run(parts: 2) { part in counts[caller].values[part] += 1 } }
        }
        #expect(counts[0].values == [5_000, 5_000])
        #expect(counts[1].values == [5_000, 5_000])
    }
}
