import Decoding
import DeviceMap
import Foundation
import Planner
import TestSupport
import Testing

/// Every map under Devices/ and every example site loads, validates and plans.
@Suite("Device library and examples")
struct DeviceLibraryTests {
    static let root = Tools.repositoryRoot

    static var mapFiles: [String] {
        let devices = root.appendingPathComponent("Devices")
        let enumerator = FileManager.default.enumerator(atPath: devices.path)
        return (enumerator?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static var exampleFiles: [String] {
        let examples = root.appendingPathComponent("examples")
        return ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []).filter {
            $0.hasSuffix(".yaml")
        }.sorted()
    }

    @Test func theLibraryIsNotEmpty() {
        #expect(Self.mapFiles.count >= 3)
        #expect(!Self.exampleFiles.isEmpty)
    }

    @Test("every device map loads, cites its source and plans", arguments: mapFiles)
    func mapLoads(file: String) throws {
        let map = try DeviceMapLoader.load(
            path: Self.root.appendingPathComponent("Devices/\(file)").path,
            displayName: "Devices/\(file)"
        )
        #expect(!map.source.document.isEmpty)
        #expect(!map.points.isEmpty)
        // Computed points are evaluated from the others, never read.
        let read = map.points.filter { !$0.isComputed }
        let plan = try RequestPlan.make(
            points: read.map { PlannedPoint(id: $0.id, table: $0.table, address: $0.address, count: $0.count) },
            limits: map.plannerLimits
        )
        #expect(Set(plan.reads.flatMap(\.pointIDs)) == Set(read.map(\.id)))
    }

    @Test("every example site validates and plans", arguments: exampleFiles)
    func exampleLoads(file: String) throws {
        let (site, _) = try SiteConfigLoader.load(path: Self.root.appendingPathComponent("examples/\(file)").path)
        let plan = try SitePlan.make(site)
        #expect(!plan.entries.isEmpty)
    }

    @Test func midasMapMatchesTheManual() throws {
        let map = try DeviceMapLoader.load(path: Self.root.appendingPathComponent("Devices/honeywell/midas.yaml").path)
        let concentration = try #require(map.point("concentration"))
        #expect(concentration.address == 2)
        #expect(concentration.type == .float32)
        #expect(concentration.order == .cdab)
        #expect(map.point("low_alarm")?.type == .bit(6))
        #expect(map.point("high_alarm")?.status == .alarm2)
        #expect(map.point("monitor_state")?.states?[2]?.status == .inhibit)
        #expect(map.qualifiedIDs(by: try #require(map.point("monitor_state"))) == ["concentration"])
    }
}
