import Polling
import ServiceLifecycle
import Synchronization

/// systemd's side of `chemgate run` (`Type=notify`): pings the watchdog (`WATCHDOG=1`) only while
/// the gateway does its job — the links' scan loops keep turning (each turn polls, or counts an
/// overrun while storing is behind) — and says `STOPPING=1` when a stop begins. A gateway whose
/// pollers hang stops pinging, and systemd restarts it after `WatchdogSec` (`Restart=always`): a
/// hung gateway must not look alive. `READY=1` is sent by `run` once the status port is bound.
struct SystemdWatchdog: Service {
    let notifier: SystemdNotifier
    let progress: ScanProgress

    func run() async throws {
        let interval = notifier.watchdogInterval
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval ?? .seconds(3600))
                if interval != nil, progress.isAlive() { notifier.send("WATCHDOG=1") }
            }
        }
        notifier.send("STOPPING=1")
    }
}

extension SystemdWatchdog: CustomStringConvertible {
    var description: String { "systemd notifications" }
}

/// Whether the scan loops turned recently: the count of cycles and overruns of every scan class
/// rose within `allowance` (twice the slowest scan period, at least a minute).
final class ScanProgress: Sendable {
    private let statistics: PollingStatistics
    private let allowance: Duration
    private let last: Mutex<(turns: Int, at: ContinuousClock.Instant)>

    init(statistics: PollingStatistics, slowestScan: Duration) {
        self.statistics = statistics
        allowance = max(slowestScan * 2, .seconds(60))
        last = Mutex((turns: -1, at: .now))
    }

    func isAlive() -> Bool {
        let turns = statistics.scanClasses.values.reduce(0) { $0 + $1.cycles + $1.overruns }
        let now = ContinuousClock.now
        return last.withLock { last in
            if turns != last.turns { last = (turns, now) }
            return now - last.at <= allowance
        }
    }
}
