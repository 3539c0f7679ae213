import Dispatch
import Glibc

/// Waits for SIGINT or SIGTERM.
///
/// The handlers are dispatch sources, not C signal handlers, so they may run Swift code; they live
/// outside `main.swift` so they are not main-actor closures (STYLE.md §(e)).
enum ShutdownSignal {
    /// Suspends until SIGINT or SIGTERM arrives and returns its name.
    static func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let queue = DispatchQueue(label: "chemgate.signals")
            let resumed = ResumeOnce(continuation)
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume(name) }
                source.resume()
                Sources.keep(source)
            }
        }
    }

    /// Keeps the dispatch sources alive for the life of the process.
    private enum Sources {
        nonisolated(unsafe) private static var all: [any DispatchSourceSignal] = []
        static func keep(_ source: any DispatchSourceSignal) { all.append(source) }
    }
}

/// Resumes a continuation once, however many signals arrive. Used only on one serial queue.
private final class ResumeOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<String, Never>?

    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func resume(_ value: String) {
        continuation?.resume(returning: value)
        continuation = nil
    }
}
