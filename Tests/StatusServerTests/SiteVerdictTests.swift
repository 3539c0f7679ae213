import GatewayCore
import StatusServer
import Testing

/// The rules of the three truths (docs/status-api.md), on hand-built snapshots of a day's events.
@Suite("Site verdict: the three truths")
struct SiteVerdictTests {
    @Test func allClearIsOK() {
        let verdict = SiteVerdict(snapshot: SiteScenario().snapshot)
        #expect(verdict.monitoring == .intact)
        #expect(verdict.badge == .ok)
        #expect(verdict.problems.isEmpty)
        #expect(verdict.notProtecting.isEmpty)
    }

    /// A log file replaced under the gateway and a disk under `storage.min_free` are problems of the
    /// rules (translated), not raw English text; a backlog over the uplink's own thresholds is a stuck
    /// uplink even while its attempts succeed.
    @Test func logDiskAndBacklogProblemsAreStructured() {
        var scenario = SiteScenario()
        let replaced =
            "the log file /var/lib/chemgate/chemgate.sqlite was replaced by another file while the gateway runs"
        let disk = "the log's file system has 10 MB free of 1000 MB, under storage.min_free 5 %"
        scenario.snapshot.outbox?.fileProblem = replaced
        scenario.snapshot.outbox?.diskProblem = disk
        scenario.snapshot.problems += [replaced, disk]
        scenario.snapshot.uplinks[0].lag = 5000
        scenario.snapshot.uplinks[0].backlogProblem = "uplink park is behind: 5000 records waiting"
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.problems.map(\.code) == [.uplinkStuck, .logReplaced, .diskLow])
        #expect(verdict.monitoring == .degraded)
        #expect(!verdict.problems.contains { $0.code == .other })
        let chinese = verdict.problems.map { StatusText.sentence($0, .chinese) }
        #expect(chinese[1].hasPrefix("本地缓存文件在网关运行中被删除或替换"))
        #expect(chinese[2].hasPrefix("本地缓存所在磁盘的剩余空间低于设定阈值"))
        #expect(StatusText.sentence(verdict.problems[1], .english) == replaced, "English keeps the path")
    }

    @Test func aLevelTwoAlarmIsNeverGreen() {
        var scenario = SiteScenario()
        scenario.gasAlarm("gd-103")
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.badge == .alarm2)
        #expect(verdict.alarmsLevel2 == 2)  // level 2 and the detector's own alarm 2
        #expect(verdict.alarmsLevel1 == 2)
        #expect(verdict.monitoring == .intact)
        #expect(scenario.snapshot.healthy)  // the old flag stayed green: the verdict does not
    }

    @Test func faultAndCalibrationAreNotProtecting() {
        var scenario = SiteScenario()
        scenario.fault("gd-102")
        scenario.calibration("gd-104")
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(
            verdict.notProtecting == [
                .init(device: "gd-102", reason: .fault), .init(device: "gd-104", reason: .calibration),
            ]
        )
        #expect(verdict.badge == .fault)
        var calibrating = SiteScenario()
        calibrating.calibration("gd-104")
        #expect(SiteVerdict(snapshot: calibrating.snapshot).badge == .inhibited)
    }

    @Test func aFrozenValueIsAFault() {
        var scenario = SiteScenario()
        scenario.frozen("gd-107")
        #expect(SiteVerdict(snapshot: scenario.snapshot).notProtecting == [.init(device: "gd-107", reason: .fault)])
    }

    @Test func aDeadDetectorDegradesMonitoringAndProtectsNothing() {
        var scenario = SiteScenario()
        scenario.dead("gd-106")
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.monitoring == .degraded)
        #expect(verdict.badge == .fault)
        #expect(verdict.notProtecting == [.init(device: "gd-106", reason: .notAnswering)])
        #expect(verdict.problems.map(\.code) == [.deviceNotAnswering])
        #expect(StatusText.sentence(verdict.problems[0], .english) == "device gd-106 has not answered since the start")
    }

    @Test func aSilentLineIsOneProblemNotEight() {
        var scenario = SiteScenario()
        scenario.silentLine()
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.problems.count == 1, "\(verdict.problems)")
        guard let problem = verdict.problems.first else { return }
        #expect(problem.code == .lineSilent)
        #expect(problem.subject == "gas-bus")
        #expect(problem.count == 8)
        #expect(problem.kind == "rtu")
        #expect(problem.since != nil)
        let sentence = StatusText.sentence(problem, .english)
        #expect(sentence.contains("RS-485 cable"), "\(sentence)")
        #expect(sentence.contains("baud rate and parity"), "\(sentence)")
        #expect(verdict.monitoring == .degraded)  // the PLC still answers
        #expect(verdict.notProtecting.count == 8)
    }

    @Test func noDeviceAnsweringIsMonitoringLost() {
        var scenario = SiteScenario()
        scenario.silentLine()
        scenario.dead("plc-tanks")
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.monitoring == .lost)
        #expect(verdict.badge == .lost)
    }

    @Test func aStuckUplinkIsNotGreen() {
        var scenario = SiteScenario()
        scenario.uplinkDown()
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.badge == .degraded)
        #expect(verdict.problems.map(\.code) == [.uplinkStuck])
        #expect(verdict.problems.first?.count == 640)
        // Stuck without an error: the oldest record waits too long.
        var silent = SiteScenario()
        silent.snapshot.uplinks[0].state = "sending"
        silent.snapshot.uplinks[0].lag = 50
        silent.snapshot.uplinks[0].oldestUnacknowledgedAgeSeconds = 900
        #expect(SiteVerdict(snapshot: silent.snapshot).badge == .degraded)
    }

    @Test func anUnsynchronisedClockDegradesMonitoring() {
        var scenario = SiteScenario()
        scenario.snapshot.clock = .init(synchronized: false, offsetMs: nil)
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.monitoring == .degraded)
        #expect(verdict.problems.map(\.code) == [.clockUnsynchronised])
    }

    @Test func maintenanceIsNotProtectingButNotAFault() {
        var scenario = SiteScenario()
        scenario.snapshot.devices[0].state = "maintenance"
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.notProtecting == [.init(device: "gd-101", reason: .maintenance)])
        #expect(verdict.badge == .inhibited)
        #expect(verdict.monitoring == .intact)
    }

    @Test func badgePrecedence() {
        #expect(SiteVerdict.badge(monitoring: .lost, alarmsLevel2: 1, alarmsLevel1: 0, notProtecting: []) == .alarm2)
        #expect(SiteVerdict.badge(monitoring: .lost, alarmsLevel2: 0, alarmsLevel1: 1, notProtecting: []) == .alarm1)
        #expect(
            SiteVerdict.badge(
                monitoring: .degraded,
                alarmsLevel2: 0,
                alarmsLevel1: 0,
                notProtecting: [.init(device: "d", reason: .calibration)]
            ) == .degraded
        )
        #expect(
            SiteVerdict.badge(monitoring: .starting, alarmsLevel2: 0, alarmsLevel1: 0, notProtecting: []) == .starting
        )
    }

    @Test func unknownProblemsAreKeptInTheirOwnWords() {
        var scenario = SiteScenario()
        scenario.snapshot.problems.append("the disk holding /var/lib/chemgate has 12 MB free")
        let verdict = SiteVerdict(snapshot: scenario.snapshot)
        #expect(verdict.problems == [.init(.other, text: "the disk holding /var/lib/chemgate has 12 MB free")])
        #expect(verdict.monitoring == .degraded)
    }
}
