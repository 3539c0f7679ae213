import Foundation
import GatewayCore
import UplinkPayload

/// Sample payloads and helpers shared by the tests.
enum Fixtures {
    static let gateway = "GW-1"
    static let enterprise = "91340100MA2XXXXX0X"
    static let base = Timestamp(milliseconds: 1_795_404_600_123)  // 2026-11-23T03:30:00.123Z

    /// The example batch of `docs/uplink-protocol.md`.
    static let exampleBatchJSON = """
        { "schema": "chemgate.batch/1", "gateway": "GW-1", "enterprise": "91340100MA2XXXXX0X",
          "batch_id": "park-120-219-100-3f2a9c1d", "first_seq": 118, "last_seq": 219, "sent_at": "2026-11-23T03:30:00.123Z",
          "events": [ { "seq": 118, "event": "alarm_raised", "device": "gd-101", "point": "gas", "link": null,
                        "indicator": "GD101_LEL", "level": "level1", "value": 30, "limit": 25, "unit": "%LEL",
                        "ts": "2026-11-23T03:29:58.500Z", "reason": "value 30 %LEL ≥ level1 25" } ],
          "records": [ { "seq": 120, "device": "gd-101", "point": "gas", "indicator": "GD101_LEL", "value": 30,
                         "unit": "%LEL", "quality": "good", "reason": null, "ts": "2026-11-23T03:29:59.000Z",
                         "report": "change", "backfill": false } ] }
        """

    static let exampleHeartbeatJSON = """
        { "schema": "chemgate.heartbeat/1", "gateway": "GW-1", "enterprise": "91340100MA2XXXXX0X",
          "time": "2026-11-23T03:30:00.123Z", "uptime_s": 3600,
          "config_hash": "sha256:\(String(repeating: "ab", count: 32))",
          "devices": { "ok": 14, "demoted": 1, "maintenance": 1 },
          "outbox": { "depth": 0, "oldest_unacknowledged": null, "drops": { "size_cap_unacknowledged": 0 } },
          "clock": { "synchronized": true, "offset_ms": 3 } }
        """

    /// A reading with every field set.
    static func reading(
        seq: UInt64,
        device: String = "gd-101",
        point: String = "gas",
        value: Value? = .number(12.5),
        quality: Quality = .good,
        at offset: Int64 = 0
    ) -> Reading {
        Reading(
            gateway: gateway,
            device: device,
            point: point,
            indicator: "GD101_LEL",
            value: value,
            unit: "%LEL",
            quality: quality,
            timestamp: Timestamp(milliseconds: base.milliseconds + offset),
            sequence: seq,
            report: .change
        )
    }

    static func alarm(seq: UInt64) -> GatewayEvent {
        GatewayEvent(
            kind: .alarmRaised,
            gateway: gateway,
            device: "gd-101",
            point: "gas",
            indicator: "GD101_LEL",
            level: .level1,
            value: .number(30),
            limit: 25,
            unit: "%LEL",
            timestamp: base,
            reason: "value 30 %LEL ≥ level1 25",
            sequence: seq
        )
    }

    /// A batch of records `seqs` (each a reading of `gd-101`/`gas` `seq` ms after `base`).
    static func batch(_ id: String, seqs: ClosedRange<UInt64>, events: [UInt64] = []) -> BatchPayload {
        BatchPayload(
            gateway: gateway,
            enterprise: enterprise,
            batchID: id,
            sentAt: .now(),
            events: events.map { BatchEvent(event: alarm(seq: $0)) },
            records: seqs.filter { !events.contains($0) }.map {
                BatchRecord(reading: reading(seq: $0, value: .number(Double($0)), at: Int64($0)), backfill: false)
            }
        )
    }

    static func heartbeat() -> HeartbeatPayload {
        HeartbeatPayload(
            gateway: gateway,
            enterprise: enterprise,
            time: base,
            uptimeSeconds: 3600,
            configHash: "sha256:" + String(repeating: "0f", count: 32),
            devices: .init(ok: 14, demoted: 1, maintenance: 1),
            outbox: .init(
                depth: 2,
                oldestUnacknowledged: base,
                drops: .init(sizeCapUnacknowledged: 0, sizeCapAcknowledged: 3, retention: 120)
            ),
            clock: .init(synchronized: true, offsetMilliseconds: -3)
        )
    }

    /// A fresh database path in a new temporary directory.
    static func databasePath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "receiver-tests-\(UUID().uuidString)"
        )
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("receiver.sqlite").path
    }

    /// The package's root directory, for `docs/`.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
