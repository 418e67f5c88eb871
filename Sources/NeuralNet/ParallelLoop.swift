import Dispatch
import Numerics

/// Splits element-wise and per-channel work of the layers over the cores, so that the parts of a
/// network that are not matrix products do not leave all but one core idle.
enum ParallelLoop {
    /// The number of threads used: as many as OpenBLAS would use (`OPENBLAS_NUM_THREADS`, else all
    /// cores). OpenBLAS itself is then set to one thread: matrix products are split over these threads
    /// here (see `gemm`), so that no OpenBLAS worker spins while the layers' own loops run.
    static let threads: Int = {
        let count = max(1, BLASThreads.count)
        BLASThreads.useSingleThread()
        return count
    }()

    /// Runs `body` on contiguous parts of `0..<count` in parallel; small loops (fewer than `grain`
    /// iterations per thread) run on the calling thread.
    @inline(__always)
    static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = min(threads, count / max(grain, 1))
        if parts <= 1 {
            body(0..<count)
            return
        }
        pool.run(parts: parts) { part in
            body((part * count / parts)..<((part + 1) * count / parts))
        }
    }

    /// The worker threads (created with the first parallel loop).
    private static let pool = SpinningWorkers(threads: threads)
}

/// The threads the networks compute on.
public enum ComputeThreads {
    /// How many threads layers and matrix products use (`OPENBLAS_NUM_THREADS`, else all cores).
    public static var count: Int { ParallelLoop.threads }
}
