import Decoding
import EdgeLogic
import GatewayCore
import Testing

@testable import DeviceMap
@testable import Polling

/// Static memory per configured point (issue #19: ≤ 1 KB): a point's definition is held once and
/// shared by reference by the site, the plan, every readout and the point processor, instead of
/// ~400 bytes copied into each; a site point is a few words. Copies still behave as values.
@Suite("Point memory")
struct PointMemoryTests {
    static let yaml = """
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:1" } ]
        scan_classes: { normal: 1s }
        default_scan: normal
        devices:
          - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
          - { id: u2, link: plc, unit: 2, map: chemgate/simulator, points: { level: { report_deadband: 0.5 } } }
          - { id: u3, link: plc, unit: 3, map: chemgate/simulator, points: { pressure: { indicator: PT-101 } } }
        """

    @Test func definitionsAndSitePointsAreAFewWordsWide() {
        let sizes: [(String, Int)] = [
            ("PointDefinition", MemoryLayout<PointDefinition>.stride),
            ("SitePoint", MemoryLayout<SitePoint>.stride),
            ("PointProcessor.PointState", MemoryLayout<PointProcessor.PointState>.stride),
            ("PointReading", MemoryLayout<PointReading>.stride),
            ("Reading", MemoryLayout<Reading>.stride),
            ("Value", MemoryLayout<Value>.stride),
            ("AlarmEvaluator?", MemoryLayout<AlarmEvaluator?>.stride),
            ("ChangeFilter", MemoryLayout<ChangeFilter>.stride),
            ("FreshnessTracker", MemoryLayout<FreshnessTracker>.stride),
            ("AlarmMemory?", MemoryLayout<AlarmMemory?>.stride),
            ("Reading?", MemoryLayout<Reading?>.stride),
            ("Quality", MemoryLayout<Quality>.stride),
        ]
        print(sizes.map { "\($0.0) \($0.1) B" }.joined(separator: ", "))
        // Was 400 and 560 bytes, copied by value into every structure that holds a point.
        #expect(MemoryLayout<PointDefinition>.stride == MemoryLayout<AnyObject>.stride)
        #expect(MemoryLayout<SitePoint>.stride <= 48)
        // Was 528 bytes: frozen detection's state and the alarm memory are held out of line.
        #expect(MemoryLayout<PointProcessor.PointState>.stride <= 400)
        #expect(MemoryLayout<FreshnessTracker>.stride <= 40)
    }

    @Test func everyDeviceOfAMapSharesOneDefinitionPerPoint() throws {
        let site = try PollingFixture.site(Self.yaml)
        let devices = site.devices.map(\.points)
        let ids = devices[0].map(\.id)
        #expect(devices.allSatisfy { $0.map(\.id) == ids })
        for index in ids.indices {
            let first = devices[0][index].definition
            for (deviceIndex, points) in devices.enumerated().dropFirst() {
                let definition = points[index].definition
                // The site's own deadband makes u2's level a definition of its own; nothing else does.
                let own = deviceIndex == 1 && definition.id == "level"
                #expect(first.sharesStorage(with: definition) == !own, "\(definition.id)")
            }
        }
        #expect(devices[1].first { $0.id == "level" }?.definition.reportDeadband == 0.5)
        #expect(devices[0].first { $0.id == "level" }?.definition.reportDeadband != 0.5)

        // The plan, and each readout made from it, hold the same definitions.
        let plan = try SitePlan.make(site)
        for entry in plan.entries {
            let device = try #require(site.devices.first { $0.id == entry.device.id })
            let readout = try DeviceReadout(map: device.map, unit: device.unit, points: entry.points.map(\.definition))
            for point in entry.points {
                let configured = try #require(device.points.first { $0.id == point.id })
                #expect(point.definition == configured.definition)
                // A definition the site leaves as the map has it is the map's own.
                if let mapped = device.map.point(point.id), mapped == point.definition {
                    #expect(point.definition.sharesStorage(with: mapped))
                }
                #expect(readout.definition(point.id)?.sharesStorage(with: point.definition) == true)
            }
        }
    }

    @Test func aChangedCopyIsAValueOfItsOwn() throws {
        let site = try PollingFixture.site(Self.yaml)
        let original = try #require(site.devices[0].map.point("level"))
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.address += 1
        copy.conversion.decimals = 3
        #expect(copy.address == original.address + 1 && copy.conversion.decimals == 3)
        #expect(site.devices[0].map.point("level")?.address == original.address, "the map's point is unchanged")
        #expect(copy != original)
        copy.address -= 1
        copy.conversion.decimals = original.conversion.decimals
        #expect(copy == original && copy.hashValue == original.hashValue, "equal by content")
        #expect(!copy.sharesStorage(with: original))
        var same = original
        same.address = original.address
        #expect(same.sharesStorage(with: original), "setting a field to its value copies nothing")
    }

    @Test func aSitePointKeepsItsOwnSettingsOverItsDefinitions() throws {
        let site = try PollingFixture.site(Self.yaml)
        let level = try #require(site.devices[0].points.first { $0.id == "level" })
        let limits = try #require(level.definition.alarms)
        #expect(level.alarms == limits && level.indicator == nil)
        let pressure = try #require(site.devices[2].points.first { $0.id == "pressure" })
        #expect(pressure.indicator == "PT-101")

        var silenced = level
        silenced.alarms = nil
        #expect(silenced.alarms == nil && silenced != level)
        silenced.definition.name = "renamed"
        #expect(silenced.alarms == nil, "a site's own alarms survive a new definition")

        var moved = level
        var definition = level.definition
        definition.alarms = AlarmLimits(high: 1)
        moved.definition = definition
        #expect(moved.alarms == limits, "the alarms the point was configured with stay")
        #expect(moved.definition.alarms == AlarmLimits(high: 1))

        var tagged = level
        tagged.tag = "LT-101"
        #expect(tagged.tag == "LT-101" && tagged != level && tagged.alarms == limits)
        tagged.tag = nil
        #expect(tagged == level && tagged.hashValue == level.hashValue)
    }
}

/// A point state's alarm memory is held in a box; copies of a state stay independent values.
@Suite("Point state alarm memory")
struct PointStateAlarmMemoryTests {
    @Test func aCopySetsItsOwnAlarmMemory() throws {
        let site = try PollingFixture.site(PointMemoryTests.yaml)
        let device = try #require(site.devices.first)
        let point = try #require(device.points.first)
        var state = PointProcessor.makeState(device: device.id, point: point, site: site)
        #expect(state.memory == nil && state.memoryBox == nil)
        let raised = AlarmMemory(device: device.id, point: point.id, pointFaultSince: Timestamp(milliseconds: 1_000))
        state.memory = raised
        var copy = state
        copy.memory = AlarmMemory(device: device.id, point: point.id, pointFaultSince: Timestamp(milliseconds: 2_000))
        #expect(state.memory == raised)
        #expect(copy.memory?.pointFaultSince == Timestamp(milliseconds: 2_000))
        copy.memory = nil
        #expect(copy.memoryBox == nil && state.memory == raised)
    }
}
