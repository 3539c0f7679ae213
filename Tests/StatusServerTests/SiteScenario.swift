import GatewayCore

/// Snapshots of a tank farm through a day's events, built by hand: the rules and the page must
/// show each of them for what it is.
struct SiteScenario {
    var snapshot: HealthSnapshot

    /// 8 gas detectors on an RS-485 line, a PLC over TCP, 120 points, clock synchronised, one uplink
    /// delivering: all clear.
    init(now: Timestamp = .now()) {
        let time = now.description
        let detectors = (1...8).map { n in
            HealthSnapshot.Device(
                id: "gd-10\(n)",
                name: "可燃气体探测器 GD-10\(n)",
                location: "罐区A T-10\(n) 防火堤内",
                link: "gas-bus",
                unit: n,
                state: "ok",
                lastGoodRead: time,
                polls: 100,
                answered: 100,
                successRatio: 1
            )
        }
        let plc = HealthSnapshot.Device(
            id: "plc-tanks",
            name: "储罐液位控制器",
            location: "控制室",
            link: "plc",
            unit: 1,
            state: "ok",
            lastGoodRead: time,
            polls: 100,
            answered: 100,
            successRatio: 1
        )
        var points = detectors.map { device in
            HealthSnapshot.Point(
                device: device.id,
                point: "concentration",
                name: "可燃气体浓度",
                indicator: "\(device.id)_LEL",
                value: .number(3),
                unit: "%LEL",
                quality: "good",
                reason: nil,
                ts: time
            )
        }
        points += (1...112).map { n in
            HealthSnapshot.Point(
                device: "plc-tanks",
                point: "level_\(n)",
                name: "液位 \(n)",
                indicator: nil,
                value: .number(Double(n)),
                unit: "m",
                quality: "good",
                reason: nil,
                ts: time
            )
        }
        points.append(
            HealthSnapshot.Point(
                device: "plc-tanks",
                point: "pump_running",
                name: "泵运行",
                indicator: nil,
                value: .bool(true),
                unit: nil,
                quality: "good",
                reason: nil,
                ts: time
            )
        )
        snapshot = HealthSnapshot(
            gateway: .init(
                id: "GW-TANKFARM-01",
                enterprise: "91340100MA2XXXXX0X",
                name: "储罐区安全监测网关",
                version: "0.5.0",
                configHash: "fnv1a64:abc",
                startedAt: time,
                uptimeSeconds: 3600
            ),
            clock: .init(synchronized: true, offsetMs: 0.4),
            healthy: true,
            problems: [],
            warnings: [],
            links: [
                .init(
                    id: "gas-bus",
                    endpoint: "rtu:///dev/ttyUSB0?baud=9600&parity=N",
                    state: "up",
                    reconnects: 0,
                    transactions: 800,
                    failures: 0,
                    rttP50Ms: 9,
                    rttP99Ms: 14,
                    errors: [:]
                ),
                .init(
                    id: "plc",
                    endpoint: "tcp://10.0.0.20:502",
                    state: "up",
                    reconnects: 0,
                    transactions: 100,
                    failures: 0,
                    rttP50Ms: 2,
                    rttP99Ms: 4,
                    errors: [:]
                ),
            ],
            devices: detectors + [plc],
            scanClasses: [],
            points: points,
            alarms: [],
            outbox: .init(depth: 3, bytes: 40960, oldestUnacknowledgedAgeSeconds: 1, drops: [:], deadLetters: 0),
            sinkFailures: 0
        )
        snapshot.uplinks = [
            .init(
                id: "park",
                url: "https://park.example/api",
                state: "ok",
                lastAcknowledgement: time,
                lag: 3,
                oldestUnacknowledgedAgeSeconds: 1,
                lastError: nil,
                acknowledged: 5000,
                deadLetters: 0
            )
        ]
    }

    /// A gas event on a detector: level 1, level 2 and the detector's own alarm bits at once.
    mutating func gasAlarm(_ device: String, value: Double = 55) {
        let since = Timestamp(milliseconds: Timestamp.now().milliseconds - 90_000).description
        for (level, limit) in [("level1", 25.0), ("level2", 50.0)] {
            snapshot.alarms.append(
                .init(
                    device: device,
                    point: "concentration",
                    indicator: nil,
                    level: level,
                    value: value,
                    limit: limit,
                    unit: "%LEL",
                    since: since
                )
            )
        }
        for level in ["device_alarm1", "device_alarm2"] {
            snapshot.alarms.append(
                .init(
                    device: device,
                    point: "status",
                    indicator: nil,
                    level: level,
                    value: nil,
                    limit: nil,
                    unit: nil,
                    since: since
                )
            )
        }
        setPoint(device, value: value, quality: "good", reason: nil)
    }

    mutating func levelOneAlarm(_ device: String) {
        snapshot.alarms.append(
            .init(
                device: device,
                point: "concentration",
                indicator: nil,
                level: "level1",
                value: 30,
                limit: 25,
                unit: "%LEL",
                since: Timestamp.now().description
            )
        )
    }

    /// The detector reports a sensor fault: its raw value is a sentinel (0x7FFF, 3276.7 once scaled).
    /// The value is set although the gateway never sends one on a bad reading: the page must not show it.
    mutating func fault(_ device: String) {
        setPoint(device, value: 3276.7, quality: "bad", reason: "sensor_fault")
        for index in snapshot.points.indices where snapshot.points[index].device == device {
            snapshot.points[index].raw = "0x7FFF"
        }
        snapshot.alarms.append(
            .init(
                device: device,
                point: "status",
                indicator: nil,
                level: "device_fault",
                value: nil,
                limit: nil,
                unit: nil,
                since: Timestamp.now().description
            )
        )
    }

    mutating func calibration(_ device: String) {
        setPoint(device, value: 0, quality: "uncertain", reason: "inhibited")
    }

    mutating func frozen(_ device: String) { setPoint(device, value: 1, quality: "uncertain", reason: "frozen") }

    /// The device stopped answering a while ago and was demoted.
    mutating func dead(_ device: String, lastAnswer: Timestamp? = nil) {
        guard let index = snapshot.devices.firstIndex(where: { $0.id == device }) else { return }
        snapshot.devices[index].state = "demoted"
        snapshot.devices[index].lastGoodRead = lastAnswer?.description
        snapshot.devices[index].answered = 90
        snapshot.devices[index].successRatio = 0.9
        snapshot.problems.append("device \(device) is demoted (not answering)")
        setPoint(device, value: nil, quality: "bad", reason: "demoted")
    }

    /// Every detector on the RS-485 line silent (the cable cut), the link still `up`.
    mutating func silentLine() {
        let cut = Timestamp(milliseconds: Timestamp.now().milliseconds - 120_000)
        for device in snapshot.devices where device.link == "gas-bus" { dead(device.id, lastAnswer: cut) }
    }

    /// The platform is down: records pile up, the last acknowledgement is old.
    mutating func uplinkDown(backlog: Int = 640) {
        snapshot.uplinks[0].state = "retrying"
        snapshot.uplinks[0].lag = backlog
        snapshot.uplinks[0].lastError = "connection refused (errno: 111)"
        snapshot.uplinks[0].lastAcknowledgement =
            Timestamp(milliseconds: Timestamp.now().milliseconds - 600_000)
            .description
        snapshot.uplinks[0].oldestUnacknowledgedAgeSeconds = 600
        snapshot.outbox?.depth = backlog
        snapshot.problems.append("uplink park is not delivering (\(backlog) records waiting): connection refused")
    }

    mutating func setPoint(_ device: String, value: Double?, quality: String, reason: String?) {
        for index in snapshot.points.indices where snapshot.points[index].device == device {
            snapshot.points[index].value = value.map { .number($0) }
            snapshot.points[index].quality = quality
            snapshot.points[index].reason = reason
        }
    }

    /// The whole bad day at once: a level-2 gas alarm, a fault, a calibration, a dead detector, a
    /// frozen PLC heartbeat and the platform down.
    static func badDay() -> SiteScenario {
        var scenario = SiteScenario()
        scenario.gasAlarm("gd-103")
        scenario.levelOneAlarm("gd-105")
        scenario.fault("gd-102")
        scenario.calibration("gd-104")
        scenario.dead("gd-106")
        scenario.uplinkDown()
        let now = Timestamp.now().milliseconds
        scenario.snapshot.recentEvents = [
            GatewayEvent(
                kind: .alarmRaised,
                gateway: "GW-TANKFARM-01",
                device: "gd-103",
                point: "concentration",
                level: .level2,
                value: .number(55),
                limit: 50,
                unit: "%LEL",
                timestamp: Timestamp(milliseconds: now - 90_000),
                reason: "value 55 %LEL ≥ level2 50"
            ),
            GatewayEvent(
                kind: .deviceDemoted,
                gateway: "GW-TANKFARM-01",
                device: "gd-106",
                timestamp: Timestamp(milliseconds: now - 300_000),
                reason: "3 failed cycles in a row"
            ),
            GatewayEvent(
                kind: .alarmCleared,
                gateway: "GW-TANKFARM-01",
                device: "gd-101",
                point: "concentration",
                level: .level1,
                value: .number(10),
                limit: 25,
                unit: "%LEL",
                timestamp: Timestamp(milliseconds: now - 3_600_000),
                reason: "value 10 %LEL back past level1 25 and its deadband"
            ),
        ].map(HealthSnapshot.Event.init)
        return scenario
    }
}

/// A gateway that always reports the same snapshot.
struct FixedReporter: HealthReporting {
    let fixed: HealthSnapshot

    func snapshot() async -> HealthSnapshot { fixed }

    func setMaintenance(_ on: Bool, device: String) async -> Bool { false }
}
