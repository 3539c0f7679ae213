import Foundation
import TestSupport

/// `stack-floor-reference` as a child process, beside a scenario's simulator and counting receiver:
/// the floor of chemgate's stack. It reads, stores, sends and acknowledges the same values each
/// second with the same libraries (chemgate's link over libmodbus, GRDB on SQLite in WAL with
/// `synchronous = FULL`, AsyncHTTPClient, a Hummingbird server; libmosquitto and libcrypto loaded)
/// and does nothing else (Sources/stack-floor-reference). At a small site, where what every second
/// costs regardless of the values dominates, what chemgate needs beyond it is what its own pipeline
/// costs, and a target the floor misses cannot be met with this stack. At 10,000 values/s its plain
/// per-value code is no floor (BENCHMARKS.md, round 16).
struct StackFloorRun {
    /// Peak resident set size (VmHWM) at the end of the window, MB.
    var peakMegabytes: Double
    /// CPU over the window, cores.
    var core: Double
    /// Records the receiver counted from it, per second of the window.
    var delivered: Double

    var microsecondsPerValue: Double { delivered > 0 ? core / delivered * 1e6 : .infinity }

    /// Runs the floor on `units` units (1…`units`) of the Modbus TCP server on `modbusPort`, reading
    /// `registers` holding registers of each every second and sending to `receiver`; measures it over
    /// `window` after `settle`.
    static func measure(
        modbusPort: Int,
        units: Int,
        registers: Int,
        receiver: CountingReceiver,
        settle: Duration,
        window: Duration
    ) async throws -> StackFloorRun {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recordsAtLaunch = receiver.counts.records
        let floor = try ChildProcess(
            try Binaries.path("stack-floor-reference"),
            [
                String(modbusPort), String(units), String(registers), "http://127.0.0.1:\(receiver.port)/batches",
                directory.appendingPathComponent("floor.sqlite").path, String(try Tools.freePort()),
            ]
        )
        defer { floor.signal(SIGKILL) }
        let meter = ProcessMeter(pid: floor.pid)
        try await Task.sleep(for: settle)
        guard floor.isRunning else { throw BenchFailure("stack-floor-reference exited:\n\(floor.text)") }
        let cpuBefore = meter.cpuSeconds() ?? 0
        let recordsBefore = receiver.counts.records
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: window)
        guard floor.isRunning else { throw BenchFailure("stack-floor-reference exited:\n\(floor.text)") }
        let seconds = (clock.now - start).secondsValue
        let records = receiver.counts.records - recordsBefore
        guard receiver.counts.records > recordsAtLaunch else {
            throw BenchFailure("stack-floor-reference delivered nothing:\n\(floor.text)")
        }
        return StackFloorRun(
            peakMegabytes: meter.peakResidentMegabytes() ?? 0,
            core: ((meter.cpuSeconds() ?? 0) - cpuBefore) / seconds,
            delivered: Double(records) / seconds
        )
    }
}
