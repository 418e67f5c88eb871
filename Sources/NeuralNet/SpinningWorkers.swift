import Dispatch
import Foundation
import Synchronization

/// Worker threads that wait for the next loop by spinning for a moment before they sleep.
///
/// A network's forward pass at batch 1 runs some sixty parallel loops of a fraction of a millisecond each
/// (the stages of every convolution). Started through `DispatchQueue.concurrentPerform`, each loop waits for
/// the scheduler to wake a parked thread, tens of microseconds: a tenth of the time at two threads. These
/// workers keep watching for work for about a tenth of a millisecond after each loop, as the thread pools
/// of OpenMP and onnxruntime do, and sleep on a semaphore after that.
final class SpinningWorkers: @unchecked Sendable {
    /// One worker thread: runs part `index + 1` of every loop that has that many parts.
    private final class Worker: @unchecked Sendable {
        let index: Int
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        init(index: Int) { self.index = index }
    }

    /// Loops started so far × `partLimit` + the parts of the current loop, so that a worker reads both at once.
    private let announcement = Atomic<Int>(0)
    /// Parts of the current loop not yet finished by the workers.
    private let remaining = Atomic<Int>(0)
    /// Whether a loop is running (a loop started inside another, or from a second thread, runs serially).
    private let busy = Atomic<Bool>(false)
    /// The current loop's body (valid while `remaining` is positive).
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    private var workers: [Worker] = []
    private static let partLimit = 1 << 10
    /// Spins (each an atomic load) before a worker sleeps: about 0.1 ms.
    private static let spinLimit = 1 << 15
    /// Spins after which a waiting thread also offers its core to others (when there are more threads than cores,
    /// as while other programs or tests run, the thread it waits for may need it).
    private static let yieldAfter = 1 << 12

    /// A pool for `threads` threads in all: the caller and `threads − 1` workers.
    init(threads: Int) {
        precondition(threads >= 1 && threads <= Self.partLimit, "SpinningWorkers: \(threads) threads")
        workers = (0..<(threads - 1)).map { Worker(index: $0) }
        for worker in workers {
            let thread = Thread { [unowned self] in self.serve(worker) }
            thread.name = "NeuralNet worker \(worker.index + 1)"
            thread.start()
        }
    }

    /// Runs `body(part)` for every part in `0..<parts` (at most the pool's threads), part 0 on the calling thread,
    /// and returns when all have finished.
    func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, parts <= workers.count + 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for part in 0..<parts { body(part) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            remaining.store(parts - 1, ordering: .relaxed)
            let loop = announcement.load(ordering: .relaxed) / Self.partLimit + 1
            announcement.store(loop * Self.partLimit + parts, ordering: .sequentiallyConsistent)
            for worker in workers.prefix(parts - 1) where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wake.signal()
            }
            body(0)
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > Self.yieldAfter { sched_yield() }   // a worker may be waiting for a core
            }
            self.body = nil
        }
    }

    private func serve(_ worker: Worker) {
        var seen = 0
        while true {
            var current = announcement.load(ordering: .acquiring), spins = 0
            while current / Self.partLimit == seen / Self.partLimit {
                spins += 1
                if spins > Self.yieldAfter && spins % 64 == 0 { sched_yield() }
                if spins >= Self.spinLimit {
                    worker.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if announcement.load(ordering: .sequentiallyConsistent) / Self.partLimit == seen / Self.partLimit {
                        worker.wake.wait()
                    }
                    worker.sleeping.store(false, ordering: .relaxed)
                    spins = 0
                }
                current = announcement.load(ordering: .acquiring)
            }
            seen = current
            let part = worker.index + 1
            if part < current % Self.partLimit {
                body!(part)
                remaining.subtract(1, ordering: .releasing)
            }
        }
    }
}
