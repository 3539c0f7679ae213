import Decoding
import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Planner
import Polling
import Simulator
import TestSupport
import Testing

/// Run-time re-planning against the real simulator: a device that refuses long reads (exception 03) or
/// one address (exception 02) is read, after the first cycles, in as few requests as it allows, with
/// what it taught logged once and shown in the status.
@Suite("Run-time re-planning")
struct ReplanningTests {
    /// A map of `count` uint16 holding registers from address 10 (the simulator's holding A reads A),
    /// read 125 at a time; `max_registers` is on line 8.
    static func blockMap(count: Int = 40) throws -> (map: DeviceMap, path: String) {
        let directory = try Tools.temporaryDirectory()
        let path = directory.appendingPathComponent("block.yaml").path
        var yaml = """
            vendor: test
            model: Register block
            source:
              document: written for the re-planning tests
            # every point is one register of the simulator's default layout

            defaults:
              max_registers: 125
            points:

            """
        for index in 0..<count {
            yaml +=
                "  - { id: r\(10 + index), table: holding, address: \(10 + index), type: uint16, category: other }\n"
        }
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return (try DeviceMapLoader.load(path: path), path)
    }

    static func good(_ result: ReadoutResult) -> Bool {
        result.readings.allSatisfy { $0.quality == .good && $0.value.value == .number(Double($0.point.address)) }
    }

    @Test func fortyRegistersAgainstADeviceLimitedToTenEndInFourRequestsAllGood() async throws {
        let fault = UnitFault(unit: 1, fault: .maxRegisters(10))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, simulator, _) async throws in
            let (map, path) = try Self.blockMap()
            var readout = try DeviceReadout(map: map, unit: 1)
            #expect(readout.plan.reads.count == 1, "the map allows one read of 40")
            let link = testLink(endpoint)
            var requests: [Int] = []
            var learned: [LessonReport] = []
            for cycle in 0..<8 {
                let before = simulator.requestCount(unit: 1)
                let result = await readout.readOnce(over: link)
                requests.append(simulator.requestCount(unit: 1) - before)
                learned += result.learned
                #expect(result.readings.count == 40, "cycle \(cycle): every point read")
                #expect(Self.good(result), "cycle \(cycle): every value good, even while the limit is searched")
            }
            #expect(requests.suffix(3).allSatisfy { $0 <= 4 }, "\(requests)")
            #expect(requests.allSatisfy { $0 < 40 }, "never one point per request: \(requests)")
            #expect(readout.lessons.registers.limit == 10)
            #expect(readout.plan.reads.map(\.count) == [10, 10, 10, 10])
            #expect(learned.count == 1, "learned once: \(learned.map(\.text))")
            #expect(learned.first?.kind == .maxRegisters)
            #expect(learned.first?.text.contains("set max_registers: 10 in \(path):8") == true, "\(learned)")
        }
    }

    @Test(arguments: [ModbusException.illegalDataAddress, .illegalDataValue])
    func anIllegalAddressInTheMiddleMakesOnlyThatPointBad(_ exception: ModbusException) async throws {
        let fault = UnitFault(unit: 1, fault: .exception(exception, addresses: 30...30))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, simulator, _) async throws in
            let (map, path) = try Self.blockMap()
            var readout = try DeviceReadout(map: map, unit: 1)
            let link = testLink(endpoint)
            let first = await readout.readOnce(over: link)
            #expect(
                first.readings.first { $0.point.id == "r30" }?.quality == .bad(.deviceException(exception.rawValue))
            )
            #expect(first.readings.filter { $0.point.id != "r30" }.allSatisfy { $0.quality == .good })
            #expect(first.readings.count == 40)
            #expect(first.learned.count == 1)
            let text = first.learned.first?.text ?? ""
            #expect(text.contains("refuses holding 30 even alone"), "\(text)")
            #expect(text.contains("point 'r30' (\(path):30)"), "\(text)")
            #expect(text.contains("check max_registers in \(path):8"), "exception 03 gets the same hint as 02: \(text)")
            for _ in 0..<3 {
                let before = simulator.requestCount(unit: 1)
                let result = await readout.readOnce(over: link)
                #expect(simulator.requestCount(unit: 1) - before == 2, "holding 10..29 and 31..49")
                #expect(result.readings.count == 39)
                #expect(result.readings.allSatisfy { $0.quality == .good })
                #expect(result.learned.isEmpty, "logged once")
            }
            #expect(readout.isolated.keys.sorted() == ["r30"])
            #expect(readout.lessons.registers.limit == nil)

            // Asked again alone every probe interval: still refused, still bad, the others untouched.
            readout.restoreIsolated()
            let before = simulator.requestCount(unit: 1)
            let retry = await readout.readOnce(over: link)
            #expect(simulator.requestCount(unit: 1) - before == 3)
            #expect(
                retry.readings.first { $0.point.id == "r30" }?.quality == .bad(.deviceException(exception.rawValue))
            )
            #expect(retry.learned.isEmpty)
            // Once the device answers it, the point is back in the plan: one read of 40 again.
            simulator.setFaults([], unit: 1)
            readout.restoreIsolated()
            let healed = await readout.readOnce(over: link)
            #expect(Self.good(healed) && healed.readings.count == 40)
            #expect(readout.isolated.isEmpty)
            #expect(readout.plan.reads.count == 1)
        }
    }

    @Test func aNewReadoutWithTheLessonsStartsFromThePlanLearned() async throws {
        let fault = UnitFault(unit: 1, fault: .maxRegisters(10))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, simulator, _) async throws in
            let (map, _) = try Self.blockMap()
            var readout = try DeviceReadout(map: map, unit: 1)
            let link = testLink(endpoint)
            for _ in 0..<8 { _ = await readout.readOnce(over: link) }
            var rebuilt = try DeviceReadout(map: map, unit: 1, lessons: readout.lessons)
            #expect(rebuilt.plan == readout.plan)
            let before = simulator.requestCount(unit: 1)
            let result = await rebuilt.readOnce(over: link)
            #expect(simulator.requestCount(unit: 1) - before == 4)
            #expect(Self.good(result))
        }
    }

    @Test func thePollerPublishesTheLessonsForTheStatus() async throws {
        let fault = UnitFault(unit: 1, fault: .maxRegisters(10))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, _, _) async throws in
            let (_, path) = try Self.blockMap()
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            let site = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-TEST, enterprise: TEST }
            devices_path: \(directory.path)
            links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
            scan_classes: { fast: 50ms }
            default_scan: fast
            devices: [ { id: gd-101, link: plc, unit: 1, map: block } ]
            """.write(to: site, atomically: true, encoding: .utf8)
            let config = try SiteConfigLoader.load(path: site.path).0
            let sink = CollectingSink()
            let service = PollingService(site: config, plan: try SitePlan.make(config), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            let deadline = ContinuousClock.now + .seconds(5)
            while service.statistics.devices["gd-101"]?.lessons.isEmpty ?? true, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            task.cancel()
            _ = await task.result
            let lessons = service.statistics.devices["gd-101"]?.lessons ?? []
            #expect(lessons.map(\.kind) == [.maxRegisters])
            #expect(lessons.first?.limit == 10)
            #expect(await sink.readings(device: "gd-101", point: "r49").allSatisfy { $0.quality == .good })
        }
    }
}
