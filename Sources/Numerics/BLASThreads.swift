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

    /// Keeps freed heap memory in the process (glibc's trim threshold and top pad raised), so that
    /// loops that allocate and free many mid-sized buffers per iteration do not fault fresh pages in
    /// each time (seen as a tenth of a fit's time).
    public static func keepFreedMemory() {
        #if os(Linux)
        _ = glibcMallopt(-1, 256 << 20)    // M_TRIM_THRESHOLD
        _ = glibcMallopt(-2, 64 << 20)     // M_TOP_PAD
        #endif
    }

    /// Serves blocks up to 32 MiB (glibc's largest setting) from the heap instead of fresh `mmap`s, so that a
    /// buffer freed after a copy (reading a file, decoding its arrays) is reused without faulting new pages in.
    /// Set once by an executable at start (with `keepFreedMemory`).
    public static func reuseLargeBlocks() {
        #if os(Linux)
        _ = glibcMallopt(-3, 32 << 20)     // M_MMAP_THRESHOLD
        #endif
    }

    /// The number of threads OpenBLAS uses.
    public static var count: Int { Int(openblas_get_num_threads()) }
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which Swift's Glibc module does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
