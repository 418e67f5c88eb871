import Foundation

/// Where a `ProgressReporter` writes.
public enum ProgressStream: Sendable {
    /// Standard output.
    case standardOutput
    /// Standard error (the default: standard output is for results).
    case standardError

    /// Whether the stream is a terminal.
    public var isTerminal: Bool { isatty(self == .standardOutput ? STDOUT_FILENO : STDERR_FILENO) != 0 }
}

/// How progress is shown, for the whole process (the command-line tool's `--progress`).
public enum ProgressStyle: String, Sendable, CaseIterable {
    /// A bar when the stream is a terminal, nothing otherwise.
    case auto
    /// Always a redrawn bar.
    case bar
    /// A few plain lines (0, 25, 50, 75 and 100 %), for logs.
    case plain
    /// Nothing.
    case none
}

/// Reports the progress of long work on standard error: by default (`ProgressStyle.auto`) a redrawn bar when
/// standard error is a terminal and nothing otherwise, so that piped and logged output stays clean.
public final class ProgressReporter: @unchecked Sendable {
    /// The process-wide style; set once by the executable before any work starts.
    nonisolated(unsafe) public static var style = ProgressStyle.auto

    private let title: String
    private let total: Int
    private var done = 0
    private var lastDrawn = -1
    private let interactive: Bool
    private let quiet: Bool
    private let stream: ProgressStream
    private let start = Date()
    private let lock = NSLock()

    /// Creates a reporter for `total` steps of work called `title`.
    /// - Parameters:
    ///   - interactive: draw a bar (true) or plain lines (false); by default as `ProgressReporter.style` says.
    ///   - quiet: print nothing at all.
    ///   - stream: where to write.
    public init(_ title: String, total: Int, interactive: Bool? = nil, quiet: Bool = false, stream: ProgressStream = .standardError) {
        self.title = title
        self.total = max(total, 1)
        let style = Self.style
        self.interactive = interactive ?? (style == .bar || (style == .auto && stream.isTerminal))
        self.quiet = quiet || (interactive == nil && (style == .none || (style == .auto && !stream.isTerminal)))
        self.stream = stream
        draw()
    }

    /// Marks `steps` more steps as done.
    public func advance(by steps: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        done = min(total, done + steps)
        draw()
    }

    /// Marks the work as finished.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        let alreadyShown = !interactive && lastDrawn == 4
        done = total
        if !alreadyShown { draw(force: true) }
        if interactive && !quiet { write("\n") }
    }

    private func draw(force: Bool = false) {
        guard !quiet else { return }
        let percent = done * 100 / total
        if interactive {
            guard force || percent != lastDrawn else { return }
            lastDrawn = percent
            let width = 30
            let filled = done * width / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let elapsed = Date().timeIntervalSince(start)
            write("\r\(title) \(bar) \(percent)% (\(done)/\(total), \(String(format: "%.1f", elapsed)) s)")
            fflush(nil)
        } else {
            // Plain lines at 0, 25, 50, 75 and 100 percent.
            let quarter = percent / 25
            guard force || quarter != lastDrawn else { return }
            lastDrawn = quarter
            write("\(title): \(done)/\(total)\n")
        }
    }

    private func write(_ text: String) {
        switch stream {
        case .standardOutput: print(text, terminator: "")
        case .standardError: FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
