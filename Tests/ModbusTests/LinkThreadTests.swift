import Logging
import TestSupport
import Testing

@testable import Modbus

/// An actor on a ``LinkThread``, as ``ModbusLink`` is.
private actor Tally {
    let thread: LinkThread
    var count = 0

    init(thread: LinkThread) { self.thread = thread }

    nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    func add() { count += 1 }
}

@Suite struct LinkThreadTests {
    /// The thread is signalled only while it waits: jobs enqueued from other threads while it runs,
    /// while it is about to wait, and from itself (a caller on the link) must all run, none left
    /// waiting for a signal that was skipped.
    @Test(.timeLimit(.minutes(1))) func everyJobRunsWhetherTheThreadRunsOrWaits() async {
        let thread = LinkThread(name: "test-link")
        let tally = Tally(thread: thread)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for round in 0..<500 {
                        await tally.add()
                        // Now and then let the thread go idle, so the next call has to wake it.
                        if round % 50 == 0 { try? await Task.sleep(for: .milliseconds(1)) }
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask(executorPreference: thread) {
                    for _ in 0..<500 { await tally.add() }
                }
            }
        }
        #expect(await tally.count == 3000)
        thread.stop()
    }
}

@Suite struct LinkThreadNameTests {
    /// `top -H`, `ps -L` and `perf` show a link's thread by its name, not by the name of the thread
    /// that happened to start it (a cooperative-pool thread's "com.apple.root.default-qos").
    @Test(.timeLimit(.minutes(1))) func theThreadCarriesItsName() async throws {
        let thread = LinkThread(name: "named-link-7")
        let tally = Tally(thread: thread)
        await tally.add()
        let names = try threadNames()
        #expect(names.contains("named-link-7"), "thread names: \(names.sorted())")
        thread.stop()
    }

    /// A link of the site is named by its id, so that `top -H` tells which link's thread is busy.
    @Test(.timeLimit(.minutes(1))) func aLinkOfTheSiteIsNamedByItsID() async throws {
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let endpoint = ModbusEndpoint.tcp(TCPEndpoint(host: "127.0.0.1", port: 1))
        let named = ModbusLink(endpoint: endpoint, logger: quiet, name: "boiler-2")
        let long = ModbusLink(endpoint: endpoint, logger: quiet, name: "锅炉房二号线")
        // A job on each thread: it has named itself by then.
        _ = await named.isConnected
        _ = await long.isConnected
        let names = try threadNames()
        #expect(names.contains("link boiler-2"), "thread names: \(names.sorted())")
        #expect(names.contains("link 锅炉房"), "thread names: \(names.sorted())")
    }
}
