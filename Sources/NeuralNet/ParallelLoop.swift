import Dispatch
import Numerics

/// Splits element-wise and per-channel work of the layers over the cores, so that the parts of a
/// network that are not matrix products do not leave all but one core idle.
enum ParallelLoop {
    /// The number of threads used: OpenBLAS's, so that both follow `OPENBLAS_NUM_THREADS`.
    nonisolated(unsafe) static var threads = max(1, BLASThreads.count)

    /// Runs `body` on contiguous parts of `0..<count` in parallel; small loops (fewer than `grain`
    /// iterations per thread) run on the calling thread.
    @inline(__always)
    static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / max(grain, 1))
        if parts <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedTask(body: body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                task.body((part * count / parts)..<((part + 1) * count / parts))
            }
        }
    }

    /// A closure handed to the worker threads; every part touches disjoint memory.
    private struct UncheckedTask: @unchecked Sendable {
        let body: (Range<Int>) -> Void
    }
}
