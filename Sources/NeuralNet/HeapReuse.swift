/// Keeps large freed buffers in the process so that the next batch reuses them.
///
/// A network allocates activations of tens to hundreds of megabytes per layer and batch. glibc serves
/// blocks above 32 MB with fresh `mmap` pages and returns them on free, so every batch would fault in
/// and zero its activations again (seen as half the time per image at batch 32). Turning `mmap`
/// allocation off and raising the trim threshold lets the heap keep and reuse them.
public enum HeapReuse {
    /// Serves every allocation from the heap and keeps up to 4 GB of freed memory for reuse (glibc only).
    public static func enable() {
        #if os(Linux)
        _ = glibcMallopt(-4, 0)                 // M_MMAP_MAX: no mmap-ed blocks
        _ = glibcMallopt(-1, Int32.max)         // M_TRIM_THRESHOLD: never give the top of the heap back
        #endif
    }
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which Swift's Glibc module does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
