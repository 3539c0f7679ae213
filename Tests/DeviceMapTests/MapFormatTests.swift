import Decoding
import DeviceMap
import Modbus
import Testing

@Suite("Device map format")
struct MapFormatTests {
    static func map(_ points: String, extra: String = "") throws -> DeviceMap {
        try DeviceMapLoader.parse(
            """
            vendor: Test
            model: Format
            source: { document: test }
            \(extra)
            points:
            \(points)
            """,
            name: "test.yaml"
        )
    }

    @Test(
        "1-based Modicon addresses",
        arguments: [
            ("40001", ModbusTable.holding, 0), ("40100", .holding, 99), ("30001", .input, 0), ("10005", .discrete, 4),
            ("\"00001\"", .coil, 0), ("465536", .holding, 65535), ("300010", .input, 9),
        ]
    )
    func plcAddress(text: String, table: ModbusTable, address: Int) throws {
        let type = table.holdsBits ? "bool" : "uint16"
        let map = try Self.map("  - { id: p, plc_address: \(text), type: \(type), category: other }")
        #expect(map.points[0].table == table)
        #expect(map.points[0].address == address)
    }

    @Test func hexAddressesAndDefaultOrder() throws {
        let map = try Self.map(
            """
              - { id: a, table: holding, address: 0x6001, type: float32, category: gas }
              - { id: b, table: holding, address: 0x6003, type: int16, category: other }
              - { id: c, table: holding, address: 0x6004, type: float64, category: other }
            """,
            extra: "defaults: { byte_order: CDAB }"
        )
        #expect(map.points[0].address == 0x6001)
        #expect(map.points[0].order == .cdab)
        #expect(map.points[1].order == .abcd, "single registers ignore the device's word order")
        #expect(map.points[2].order == .cdab)
    }

    @Test func channelPointsRepeatWithTheirStride() throws {
        let map = try Self.map(
            """
              - { id: reading, name: 浓度, table: holding, address: 0x20, stride: 2, type: float32, unit: "%LEL", category: gas }
              - { id: mode, table: holding, address: 0x60, stride: 1, type: uint16, states: { 0: normal, 1: { label: cal, status: inhibit } } }
            """,
            extra: "channels: 32"
        )
        #expect(map.points.count == 64)
        let sixth = try #require(map.point("reading_6"))
        #expect(sixth.address == 0x20 + 2 * 5)
        #expect(sixth.name == "浓度 #6")
        #expect(sixth.channel == 6)
        #expect(map.point("mode_32")?.address == 0x60 + 31)
        #expect(map.qualifiedIDs(by: try #require(map.point("mode_6"))) == ["reading_6"])
    }

    @Test func linearRangeSentinelsAndNE43() throws {
        let map = try Self.map(
            """
              - id: lel
                table: input
                address: 0
                type: uint16
                range: { raw: [4000, 20000], engineering: [0, 100] }
                ne43: true
                sentinels: { 0xFFFF: fault }
                unit: "%LEL"
                decimals: 1
                category: gas
            """
        )
        let conversion = map.points[0].conversion
        #expect(conversion.scaling == .linear(raw: 4000...20000, engineering: 0...100))
        #expect(conversion.ne43)
        #expect(conversion.sentinels == [0xFFFF: .fault])
        #expect(conversion.decimals == 1)
    }

    @Test func unitAliasesBecomeCanonical() throws {
        let map = try Self.map("  - { id: a, table: holding, address: 0, type: uint16, unit: mg/m3, category: gas }")
        #expect(map.points[0].unit == "mg/m³")
    }

    @Test func everyErrorIsReportedInOnePass() {
        let error = #expect(throws: ConfigErrors.self) {
            try Self.map(
                """
                  - { id: a, table: holding, address: 0, type: int17, category: gas }
                  - { id: b, table: holding, address: 1, type: int16, unit: furlong, category: gas }
                  - { id: c, table: holding, address: 2, type: int16, category: gass }
                """
            )
        }
        #expect(error?.errors.map(\.line) == [6, 7, 8])
        #expect(error?.description.hasSuffix("3 errors in the configuration") == true)
    }

    @Test func issueShowsTheLineWithACaret() {
        let issue = ConfigIssue(
            .error,
            file: "site.yaml",
            line: 12,
            column: 5,
            message: "unknown key 'adress'",
            sourceLine: "    adress: 2"
        )
        #expect(
            issue.description == """
                site.yaml:12:5: error: unknown key 'adress'
                   12 |     adress: 2
                      |     ^
                """
        )
    }

    @Test func parsedIssuePointsAtTheOffendingColumn() {
        let error = #expect(throws: ConfigErrors.self) {
            try Self.map(
                """
                  - id: a
                    table: holding
                    address: 0
                    type: int16
                    categroy: gas
                """
            )
        }
        let issue = error?.errors.first { $0.message.contains("categroy") }
        #expect(issue?.line == 10)
        #expect(issue?.column == 5)
        #expect(
            issue?.description.contains("   10 |     categroy: gas\n      |     ^") == true,
            "\(String(describing: issue))"
        )
    }
}
