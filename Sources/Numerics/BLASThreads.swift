import CBLAS

/// Control over OpenBLAS's own threads.
///
/// FaceAtlas parallelises over frames itself; BLAS calls inside that work are small, and OpenBLAS
/// threads on top of them only spin and yield (seen as a third of a fit's time). Code that runs its
/// own parallel loops over small matrices calls `useSingleThread()` first.
public enum BLASThreads {
    /// Makes OpenBLAS run every call on the calling thread.
    public static func useSingleThread() {
        openblas_set_num_threads(1)
    }

    /// The number of threads OpenBLAS uses.
    public static var count: Int { Int(openblas_get_num_threads()) }
}
