import Decoding
import DeviceMap
import Foundation
import GatewayCore
import Modbus
import TestSupport
import Testing

/// The map keys of computed points, assertions and catch-alls, and a site's per-instance conversion:
/// what loads, and what is refused with its file, line and column.
@Suite("Computed points and per-instance overrides: format")
struct ComputedMapFormatTests {
    /// The points start on line 6.
    static func map(_ points: String) throws(ConfigErrors) -> DeviceMap {
        try DeviceMapLoader.parse(
            """
            vendor: Test
            model: Computed
            source: { document: test }

            points:
            \(points)
            """,
            name: "test.yaml"
        )
    }

    static func errors(_ points: String) -> [ConfigIssue] {
        do {
            _ = try map(points)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func computedPointsLoadWithoutAddresses() throws {
        let map = try Self.map(
            """
              - { id: raw, table: holding, address: 1, type: uint16, hidden: true }
              - { id: code, table: holding, address: 2, type: uint16, expect: [3, 4], qualifies: [gas] }
              - id: gas
                compute: bits(raw, 8, 15) + bits(raw, 0, 7) / 10
                simulate: { raw: "floor(value) * 256 + round(frac(value) * 10)" }
                unit: "%LEL"
                decimals: 1
                category: gas
                alarms: { level1: 20, level2: 40 }
              - id: state
                table: holding
                address: 3
                type: uint16
                states: { 0: ok, other: { label: unknown, status: fault } }
            """
        )
        let gas = try #require(map.point("gas"))
        #expect(gas.isComputed)
        #expect(gas.formulaText == "bits(raw, 8, 15) + bits(raw, 0, 7) / 10")
        #expect(gas.simulation.keys.sorted() == ["raw"])
        #expect(gas.alarms?.high == 20)
        let raw = try #require(map.point("raw"))
        #expect(raw.hidden && !raw.isValue && raw.category == .other)
        let code = try #require(map.point("code"))
        #expect(code.expected == [.number(3), .number(4)])
        #expect(code.category == .status && code.isQualifier)
        #expect(map.qualifiedIDs(by: code) == ["gas"])
        let state = try #require(map.point("state"))
        #expect(state.state(of: 0)?.label == "ok")
        #expect(state.state(of: 9) == PointState(label: "unknown", status: .fault))
    }

    @Test func aFormulaErrorPointsAtItsColumnInTheFile() {
        // `  - { id: x, compute: "` puts the formula's first character at column 24; '*' is its 5th.
        let errors = Self.errors(
            """
              - { id: a, table: holding, address: 0, type: uint16, category: other }
              - { id: x, compute: "a + * 2", category: other }
            """
        )
        #expect(errors.count == 1)
        #expect(errors.first?.line == 7)
        #expect(errors.first?.column == 28)
        #expect(errors.first?.message.contains("expected a number, a point id or '('") == true)
        #expect(
            errors.first?.description.contains("   7 |   - { id: x, compute: \"a + * 2\", category: other }\n") == true
        )
    }

    @Test func anUnknownReferenceIsNamedWithASuggestion() {
        let errors = Self.errors(
            """
              - { id: o2_raw, table: holding, address: 0, type: uint16, hidden: true }
              - id: o2
                compute: o2_rw / 10
                category: gas
            """
        )
        #expect(errors.count == 1)
        #expect(errors.first?.line == 8)
        #expect(errors.first?.column == 14)
        #expect(
            errors.first?.message.contains(
                "refers to 'o2_rw', which is not a point of this map; did you mean 'o2_raw'?"
            ) == true
        )
    }

    @Test func aCycleATextInputAndAStrayKeyAreRefused() {
        let errors = Self.errors(
            """
              - { id: a, compute: "b + 1", category: other }
              - { id: b, compute: "a * 2", category: other }
              - { id: tag, table: holding, address: 0, type: string, length: 4, category: other }
              - { id: c, compute: "tag + 1", category: other }
              - { id: d, compute: "1", address: 5, category: other }
              - { id: e, table: holding, address: 9, type: uint16, hidden: true, alarms: { h: 1 } }
              - { id: f, compute: "e", simulate: { g: "value" }, category: other }
            """
        )
        let messages = errors.map(\.message)
        #expect(messages.contains { $0.contains("in a circle: a → b → a") }, "\(messages)")
        #expect(messages.contains { $0.contains("uses 'tag', which is text (type string)") }, "\(messages)")
        #expect(messages.contains { $0.contains("is computed ('compute'), not read from registers: remove 'address'") })
        #expect(
            messages.contains { $0.contains("is hidden (an input, never reported): its alarms would never be seen") }
        )
        #expect(messages.contains { $0.contains("'simulate' of point 'f' writes 'g', which its formula does not use") })
        #expect(errors.first { $0.message.contains("circle") }?.line == 6)
        #expect(errors.first { $0.message.contains("type string") }?.line == 9)
    }

    @Test func aHiddenPointNoFormulaUsesIsWarnedAbout() throws {
        let directory = try Tools.temporaryDirectory()
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("maps/test"),
            withIntermediateDirectories: true
        )
        try """
        vendor: Test
        model: Computed
        source: { document: test }
        points:
          - { id: spare, table: holding, address: 0, type: uint16, hidden: true }
          - { id: raw, table: holding, address: 1, type: uint16, hidden: true }
          - { id: gas, compute: raw / 10, category: gas }
        """.write(to: directory.appendingPathComponent("maps/test/hidden.yaml"), atomically: true, encoding: .utf8)
        let site = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: maps
        links: [ { id: bus, endpoint: "tcp://127.0.0.1:502" } ]
        devices: [ { id: d1, link: bus, unit: 1, map: test/hidden } ]
        """.write(to: site, atomically: true, encoding: .utf8)
        let (_, warnings) = try SiteConfigLoader.load(path: site.path)
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first?.message.hasPrefix("point 'spare' is hidden but no formula uses it") == true)
        #expect(warnings.first?.line == 5)
    }

    // MARK: - Per-instance overrides

    static func site(_ points: String) throws(ConfigErrors) -> SiteConfig {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("override-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("site.yaml")
        try? """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: bus, endpoint: "tcp://127.0.0.1:502" } ]
        devices:
          - id: PT-101
            link: bus
            unit: 1
            map: generic/analog-input-8ch-4-20ma
            points:
        \(points)
        """.write(to: file, atomically: true, encoding: .utf8)
        return try SiteConfigLoader.load(path: file.path).0
    }

    @Test func aSiteSetsItsTransmittersRangeUnitAndDecimals() throws {
        let site = try Self.site(
            """
                  ai_1: { range: { raw: [4000, 20000], eng: [0, 2.5] }, unit: MPa, decimals: 3, measuring_range: [0, 2.5] }
                  ai_2: { range: { raw: [4000, 20000], engineering: [-20, 80] }, unit: degC }
            """
        )
        let device = try #require(site.devices.first)
        let ai1 = try #require(device.points.first { $0.id == "ai_1" }?.definition)
        #expect(ai1.conversion.scaling == .linear(raw: 4000...20000, engineering: 0...2.5))
        #expect(ai1.unit == "MPa")
        #expect(ai1.conversion.decimals == 3)
        #expect(ai1.conversion.measuringRange == 0...2.5)
        #expect(ai1.conversion.ne43, "the map's NE43 stays on")
        // 12 mA = 12000 µA is the middle of the span: 1.25 MPa; -20 + 50 % of 100 = 30 °C.
        let raw = RawReading(value: .unsigned(12000), bits: 12000)
        #expect(Decoder.convert(raw, type: ai1.type, with: ai1.conversion).value == .number(1.25))
        let ai2 = try #require(device.points.first { $0.id == "ai_2" }?.definition)
        #expect(Decoder.convert(raw, type: ai2.type, with: ai2.conversion).value == .number(30))
        #expect(ai2.unit == "°C")
        let ai3 = try #require(device.points.first { $0.id == "ai_3" }?.definition)
        #expect(ai3.conversion.scaling == .linear(raw: 4000...20000, engineering: 0...100), "the map's own")
        #expect(device.overrides["ai_1"]?.conversion?.lines["range"] == 10)
    }

    @Test func aSiteOverrideIsCheckedLikeAMap() {
        let error = #expect(throws: ConfigErrors.self) {
            try Self.site(
                """
                      ai_1: { scale: 0.001 }
                      ai_2: { range: { raw: [4000, 4000], eng: [0, 1] } }
                      ai_3: { unit: furlong }
                """
            )
        }
        let messages = error?.errors.map(\.message) ?? []
        #expect(
            messages.contains { $0.contains("applies NAMUR NE43") && $0.contains("not scale/offset") },
            "\(messages)"
        )
        #expect(messages.contains { $0.contains("the raw range needs two different ends") })
        #expect(messages.contains { $0.contains("unknown unit 'furlong'") })
        #expect(error?.errors.map(\.line) == [10, 11, 12])
    }

    @Test func aHiddenInputFollowsItsComputedPointsScanClassAndADisabledInputIsRefused() throws {
        let directory = try Tools.temporaryDirectory()
        let file = directory.appendingPathComponent("site.yaml")
        func load(_ points: String) throws(ConfigErrors) -> SiteConfig {
            try? """
            gateway: { id: GW-1, enterprise: E-1 }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: bus, endpoint: "tcp://127.0.0.1:502" } ]
            devices:
              - { id: OX-1, link: bus, unit: 1, map: dongxin/sf6-o2-detector, points: \(points) }
            """.write(to: file, atomically: true, encoding: .utf8)
            return try SiteConfigLoader.load(path: file.path).0
        }
        let site = try load("{ o2: { scan: fast } }")
        let points = try #require(site.devices.first?.points)
        #expect(points.first { $0.id == "o2" }?.scanClass == "fast")
        #expect(points.first { $0.id == "o2_raw" }?.scanClass == "fast", "read in the same poll as its formula")
        #expect(points.first { $0.id == "sf6" }?.scanClass == "normal")
        let error = #expect(throws: ConfigErrors.self) { try load("{ o2_raw: { enabled: false } }") }
        #expect(
            error?.errors.first?.message.contains("OX-1.o2 is computed from 'o2_raw', which this site disables")
                == true,
            "\(String(describing: error))"
        )
        let split = #expect(throws: ConfigErrors.self) { try load("{ o2_raw: { scan: slow }, o2: { scan: fast } }") }
        #expect(split?.errors.first?.message.contains("give both the same scan class") == true)
    }
}
