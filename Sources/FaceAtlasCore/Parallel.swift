import Dispatch
import Foundation

/// Data-parallel loops over an index range on a fixed number of threads.
public enum Parallel {
    /// The number of cores this process may use.
    public static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// `(0..<count).map(body)`, computed on `threads` threads (interleaved indices); the order of results is kept.
    public static func map<T: Sendable>(_ count: Int, threads: Int? = nil, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let workers = max(1, min(threads ?? coreCount, count))
        if workers == 1 { return (0..<count).map(body) }
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: count)
        let output = ResultBuffer(base: buffer)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                (output.base + i).initialize(to: body(i))
                i += workers
            }
        }
        let result = Array(UnsafeBufferPointer(start: buffer, count: count))
        buffer.deinitialize(count: count)
        buffer.deallocate()
        return result
    }

    /// A pointer that workers write disjoint elements of.
    private struct ResultBuffer<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }
}
