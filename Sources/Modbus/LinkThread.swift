import Foundation
import GatewayCore

/// A serial executor backed by one dedicated thread.
///
/// Every libmodbus call blocks its thread until a reply or a timeout. Running those calls on the
/// cooperative pool (about one thread per core) would stall unrelated tasks, so each link owns one
/// of these: the link actor's jobs run here, one at a time, in order (STYLE.md §(d)).
///
/// It is also a task executor: a task that prefers it (``ModbusLink/taskExecutor``) runs its own
/// code on the link's thread too, so calling the link neither wakes another thread nor waits for
/// the cooperative pool to resume it afterwards.
///
/// `@unchecked Sendable`: the only mutable state, `jobs`, `stopping` and `waiting`, is read and
/// written with `condition` locked.
///
/// The thread is only signalled when it waits: while it runs jobs (which is when a caller on the
/// link enqueues, twice per transaction: to the link actor and back to the caller) it drains the
/// queue again before it waits, so a signal would be a wasted call.
final class LinkThread: SerialExecutor, TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    /// Whether the thread is waiting for jobs (inside `condition.wait()`).
    private var waiting = false

    /// Starts the thread.
    /// - Parameter name: the thread's name, shown by `top -H`, `ps -L`, `perf` and debuggers, cut to the
    ///   15 bytes Linux keeps.
    init(name: String) {
        let name = ThreadName.fitting(name)
        // Named from inside: a name given to `Thread` before `start()` is not applied on Linux, and the
        // thread would keep the name of the thread that started it (a cooperative-pool thread's).
        let thread = Thread { [self] in
            ThreadName.apply(name)
            run()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        condition.lock()
        jobs.append(unownedJob)
        if waiting { condition.signal() }
        condition.unlock()
    }

    /// Lets the thread end once the jobs already queued have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        let executor = asUnownedSerialExecutor()
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping {
                waiting = true
                condition.wait()
                waiting = false
            }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
