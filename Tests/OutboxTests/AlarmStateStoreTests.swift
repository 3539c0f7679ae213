import Foundation
import GatewayCore
import Outbox
import Testing

/// The alarm state and maintenance switches the log keeps for the next start.
@Suite("Alarm state store")
struct AlarmStateStoreTests {
    @Test func alarmStateIsStoredWithItsEventsAndReadBackAfterReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let memory = AlarmMemory(
                device: "dev",
                point: "p",
                levels: [
                    .init(level: .level1, active: true, since: baseTime, value: 27.5, limit: 25),
                    .init(
                        level: .level2,
                        active: false,
                        pendingSince: Timestamp(milliseconds: baseTime.milliseconds + 500)
                    ),
                    .init(level: .deviceFault, active: false, suppressed: true),
                ],
                pointFaultSince: Timestamp(milliseconds: baseTime.milliseconds + 9)
            )
            do {
                let log = try DurableLog(path: path)
                try await log.append(
                    events: [alarm(at: baseTime.milliseconds)],
                    readings: [],
                    memories: [memory, AlarmMemory(device: "dev", point: "q")]
                )
                try log.close()
            }
            let log = try DurableLog(path: path)
            let memories = try await log.alarmMemories()
            #expect(memories.count == 1, "an empty memory stores nothing")
            #expect(Set(memories.first?.levels ?? []) == Set(memory.levels))
            #expect(memories.first?.pointFaultSince == memory.pointFaultSince)
            #expect(try await log.recentEvents(limit: 10).count == 1, "in the same transaction as the event")
            // A later, empty state of the point forgets it.
            try await log.append(events: [], readings: [], memories: [AlarmMemory(device: "dev", point: "p")])
            #expect(try await log.alarmMemories().isEmpty)
        }
    }

    @Test func theLastMaintenanceSwitchOfEachDeviceIsKept() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            func switched(_ kind: GatewayEvent.Kind, _ device: String, at offset: Int64) -> GatewayEvent {
                GatewayEvent(
                    kind: kind,
                    gateway: "gw",
                    device: device,
                    timestamp: Timestamp(milliseconds: baseTime.milliseconds + offset),
                    reason: "maintenance switched at the gateway by Wang Wei from 10.1.2.3"
                )
            }
            try await log.append([switched(.maintenanceOn, "a", at: 0), switched(.maintenanceOn, "b", at: 1)])
            try await log.append(events: [switched(.maintenanceOff, "b", at: 2)], readings: [])
            let switches = try await log.maintenanceSwitches()
            #expect(switches.map(\.device) == ["a", "b"])
            #expect(switches.map(\.on) == [true, false])
            #expect(switches.last?.at == Timestamp(milliseconds: baseTime.milliseconds + 2))
            #expect(switches.first?.reason.contains("Wang Wei") == true)
        }
    }
}
