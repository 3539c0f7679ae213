import Dispatch

/// Runs a program's `async` work from a synchronous `main`, the main thread waiting for it.
///
/// An `async` main hands the main thread to `dispatch_main()`, which ends it with `pthread_exit`,
/// and glibc unwinds the thread's stack to do so: the unwinder searches the binary's unwind tables
/// (`.eh_frame_hdr`, `.eh_frame`) for every frame, and the pages it reads, about 1 MB, stay resident
/// for the process's life (BENCHMARKS.md, round 15). Waiting here reads none of them; nothing may run
/// on the main queue.
public enum DetachedMain {
    /// Runs `operation` on the cooperative pool and returns when it has finished.
    public static func run(_ operation: @escaping @Sendable () async -> Void) {
        let finished = DispatchSemaphore(value: 0)
        // Detached: a task created here would inherit the main actor, whose queue nobody drains.
        Task.detached {
            await operation()
            finished.signal()
        }
        finished.wait()
    }
}
