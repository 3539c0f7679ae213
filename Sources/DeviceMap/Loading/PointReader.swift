import Decoding
import GatewayCore
import Modbus
import Yams

/// Reads one entry of a device map's `points:` list.
struct PointReader {
    static let keys = [
        "id", "name", "description", "table", "address", "plc_address", "type", "bit", "bits", "length", "order",
        "scale",
        "offset", "range", "unit", "decimals", "category", "status", "states", "qualifies", "sentinels", "ne43",
        "measuring_range", "alarms", "stride", "report_deadband", "frozen_after", "compute", "hidden", "expect",
        "simulate",
    ]
    /// Keys of a point read from registers, which a computed point (`compute`) does not have.
    static let registerKeys = [
        "table", "address", "plc_address", "type", "bit", "bits", "length", "order", "sentinels",
    ]
    static let typeNames =
        "bool, bit (with bit: N), bits (with bits: LO-HI), int16, uint16, int32, uint32, int64, uint64, float32, float64, bcd16, bcd32, string (with length: N)"
    static let roleNames = StatusRole.allCases.map(\.rawValue).joined(separator: ", ")

    let node: Node
    let defaults: MapDefaults
    let channels: Int?
    let document: YAMLDocument
    let log: IssueLog
    /// Where each computed point's formulas are, for the checks that need every point.
    let formulas: FormulaSites

    /// The point, or one point per channel for a point with a stride; empty when it is unusable.
    func read() -> [PointDefinition] {
        let idNode: String =
            (node.mapping?["id"]?.scalar?.string).map { "point \(MappingReader.quoted($0))" } ?? "a point"
        guard let reader = MappingReader(node, context: idNode, allowed: Self.keys, document: document, log: log) else {
            return []
        }
        let id = reader.id()
        let formulaReader = FormulaReader(reader: reader)
        let computed = reader.has("compute") ? formulaReader.compute() : nil
        let table: ModbusTable?
        let address: Int?
        let type: DataType?
        let order: ByteOrder?
        if reader.has("compute") {
            for key in Self.registerKeys where reader.has(key) {
                log.error(
                    "\(reader.context) is computed ('compute'), not read from registers: remove '\(key)'",
                    at: reader.keyPosition(of: key)
                )
            }
            // Placeholders: a computed point is never planned, read or served.
            (table, address, type, order) = (.holding, 0, .float64, .abcd)
        } else {
            (table, address) = readAddress(reader)
            type = readType(reader, table: table)
            order = readOrder(reader, type: type)
        }
        let conversion = readConversion(reader, type: type)
        let unit = reader.engineeringUnit()
        let (status, states, other) = readStatus(reader, type: type)
        let expected = formulaReader.expect(type: type)
        let hidden = reader.bool("hidden") ?? false
        let category = readCategory(
            reader,
            default: status != nil || states != nil || expected != nil ? .status : hidden ? .other : nil
        )
        let alarms = AlarmReader.read(reader, key: "alarms")
        if alarms != nil, hidden {
            log.error(
                "\(reader.context) is hidden (an input, never reported): its alarms would never be seen; put them on the computed point",
                at: reader.keyPosition(of: "alarms")
            )
        }
        if reader.has("simulate"), !reader.has("compute") {
            log.error(
                "'simulate' tells the simulator how to write the inputs of a computed point: it goes with 'compute'",
                at: reader.keyPosition(of: "simulate")
            )
        }
        let simulation = reader.has("compute") ? formulaReader.simulate() : []
        if alarms != nil, status != nil || states != nil || type.map(Self.isFlag) == true {
            log.error(
                "alarms belong on analog points; \(reader.context) is a status or flag point",
                at: reader.keyPosition(of: "alarms")
            )
        }
        let qualifies = reader.sequence("qualifies")?.compactMap { item -> String? in
            guard let name = item.scalar?.string else {
                log.error("'qualifies' lists point ids", at: document.position(of: item))
                return nil
            }
            return name
        }
        if qualifies != nil, status == nil, states == nil, expected == nil {
            log.error(
                "'qualifies' belongs on a status point (one with 'status' or 'states') or an assertion ('expect')",
                at: reader.keyPosition(of: "qualifies")
            )
        }
        let stride = reader.int("stride", in: 0...4096)
        if stride != nil, reader.has("compute") {
            log.error(
                "a computed point has no address to repeat per channel: write one computed point per channel",
                at: reader.keyPosition(of: "stride")
            )
        }
        if stride != nil, channels == nil {
            log.error(
                "'stride' repeats a point per channel, but the map sets no 'channels'",
                at: reader.keyPosition(of: "stride")
            )
        }
        guard let id, let table, let address, let type, let order, let conversion, let category else { return [] }
        if reader.has("compute"), computed == nil { return [] }
        var base = PointDefinition(
            id: id,
            name: reader.string("name"),
            table: table,
            address: address,
            type: type,
            order: order,
            conversion: conversion,
            unit: unit,
            category: category,
            status: status,
            states: states,
            qualifies: qualifies,
            alarms: alarms,
            reportDeadband: readDeadband(reader),
            frozenAfter: reader.duration("frozen_after", in: ConfigLimits.frozenAfter),
            channel: nil,
            line: reader.position.line
        )
        base.formula = computed?.0
        base.hidden = hidden
        base.expected = expected
        base.otherState = other
        base.simulation = Dictionary(simulation.map { ($0.input, $0.formula) }, uniquingKeysWith: { first, _ in first })
        if let computed {
            formulas.add(
                FormulaSites.Site(
                    point: id,
                    formula: computed.0,
                    source: computed.1,
                    simulated: simulation.map { ($0.input, $0.keyPosition) }
                )
            )
        }
        guard let stride, let channels else { return [base] }
        return (1...channels).map { channel in
            var point = base
            point.id = "\(id)_\(channel)"
            point.name = base.name.map { "\($0) #\(channel)" }
            point.address = address + stride * (channel - 1)
            point.channel = channel
            point.qualifies = base.qualifies?.map { "\($0)_\(channel)" }
            return point
        }
    }

    static func isFlag(_ type: DataType) -> Bool {
        switch type {
        case .bool, .bit: true
        default: false
        }
    }

    private func readDeadband(_ reader: MappingReader) -> Double? {
        guard let deadband = reader.double("report_deadband") else { return nil }
        if deadband < 0 {
            log.error("report_deadband must not be negative", at: reader.position(of: "report_deadband"))
        }
        return deadband
    }

    // MARK: - Where

    private func readAddress(_ reader: MappingReader) -> (ModbusTable?, Int?) {
        var table = TableName.read(reader, key: "table")
        var address = reader.int("address", in: 0...65535)
        if reader.has("plc_address") {
            if reader.has("address") {
                log.error(
                    "write either 'address' (0-based) or 'plc_address' (1-based 4xxxx), not both",
                    at: reader.keyPosition(of: "plc_address")
                )
            }
            if let text = reader.node("plc_address")?.scalar?.string {
                if let (plcTable, plcAddress) = PLCAddress.parse(text) {
                    if let table, table != plcTable {
                        log.error(
                            "plc_address \(text) is in the \(plcTable) table, but 'table' says \(table)",
                            at: reader.position(of: "plc_address")
                        )
                    }
                    table = plcTable
                    address = plcAddress
                } else {
                    log.error(
                        "plc_address \(MappingReader.quoted(text)) is not a 1-based Modicon address: write 40001–465536 (holding), 30001… (input), 10001… (discrete) or \"00001\"… (coil, quoted)",
                        at: reader.position(of: "plc_address")
                    )
                }
            }
        } else if !reader.has("address") {
            log.error(
                "\(reader.context) needs 'address' (0-based protocol address) or 'plc_address' (1-based, e.g. 40001)",
                at: reader.position
            )
        }
        if table == nil, !reader.has("table"), !reader.has("plc_address") {
            log.error("\(reader.context) needs 'table': \(TableName.allowed)", at: reader.position)
        }
        return (table, address)
    }

    // MARK: - What

    private func readType(_ reader: MappingReader, table: ModbusTable?) -> DataType? {
        guard let name = reader.string("type") else {
            if table?.holdsBits == true { return .bool }
            if table != nil { log.error("\(reader.context) needs 'type': \(Self.typeNames)", at: reader.position) }
            return nil
        }
        let type: DataType?
        switch name {
        case "bit":
            type = reader.int("bit", required: true, in: 0...15).map { .bit($0) }
        case "bits":
            type = readBitField(reader)
        case "string":
            type = reader.int("length", required: true, in: 1...125).map { .string(registers: $0) }
        default:
            type = DataType(name: name)
            if type == nil {
                log.error(
                    "unknown type \(MappingReader.quoted(name)); allowed: \(Self.typeNames)",
                    at: reader.position(of: "type")
                )
            }
        }
        if name != "bit", reader.has("bit") {
            log.error("'bit' goes with type: bit", at: reader.keyPosition(of: "bit"))
        }
        if name != "bits", reader.has("bits") {
            log.error("'bits' goes with type: bits", at: reader.keyPosition(of: "bits"))
        }
        if name != "string", reader.has("length") {
            log.error("'length' (registers of text) goes with type: string", at: reader.keyPosition(of: "length"))
        }
        if let type, let table, table.holdsBits, type != .bool {
            log.error(
                "the \(table) table holds single bits: use type bool (or leave 'type' out), not \(type)",
                at: reader.position(of: "type")
            )
            return nil
        }
        return type
    }

    private func readBitField(_ reader: MappingReader) -> DataType? {
        guard let text = reader.node("bits", required: true)?.scalar?.string else { return nil }
        let bounds = text.split(separator: "-").compactMap { Int(String($0).trimmingSpaces) }
        guard bounds.count == 2, bounds[0] <= bounds[1], (0...15).contains(bounds[0]), (0...15).contains(bounds[1])
        else {
            log.error(
                "'bits' is a range LO-HI of bit numbers 0–15, such as 0-3, not \(MappingReader.quoted(text))",
                at: reader.position(of: "bits")
            )
            return nil
        }
        return .bitField(bounds[0]...bounds[1])
    }

    private func readOrder(_ reader: MappingReader, type: DataType?) -> ByteOrder? {
        guard let name = reader.string("order") else { return type.map(defaultOrder) }
        guard let order = ByteOrder(name: name), let width = ByteOrder.width(ofName: name) else {
            log.error(
                "unknown order \(MappingReader.quoted(name)); allowed: AB, BA (16-bit), ABCD, BADC, CDAB, DCBA (32-bit), ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA (64-bit)",
                at: reader.position(of: "order")
            )
            return nil
        }
        guard let type else { return order }
        switch type {
        case .int16, .uint16, .bcd16, .bit, .bitField, .bool, .string:
            if width != 16 {
                log.error(
                    "\(type) is a single-register value: a word order such as \(name) does not apply; use AB or BA (byte swap) or leave 'order' out",
                    at: reader.position(of: "order")
                )
                return nil
            }
        case .int32, .uint32, .float32, .bcd32:
            if width != 32 {
                log.error(
                    "\(type) spans 2 registers: use ABCD, BADC, CDAB or DCBA, not \(name)",
                    at: reader.position(of: "order")
                )
                return nil
            }
        case .int64, .uint64, .float64:
            if width == 16 {
                log.error(
                    "\(type) spans 4 registers: use ABCDEFGH, BADCFEHG, GHEFCDAB or HGFEDCBA, not \(name)",
                    at: reader.position(of: "order")
                )
                return nil
            }
        }
        return order
    }

    /// Multi-register values take the device's byte order; single registers are read as they are.
    private func defaultOrder(_ type: DataType) -> ByteOrder {
        type.isMultiRegister ? defaults.byteOrder : .abcd
    }

    private func readCategory(_ reader: MappingReader, default fallback: PointCategory?) -> PointCategory? {
        guard let text = reader.string("category") else {
            if let fallback { return fallback }
            log.error(
                "\(reader.context) needs 'category': \(PointCategory.allCases.map(\.rawValue).joined(separator: ", "))",
                at: reader.position
            )
            return nil
        }
        guard let category = PointCategory(rawValue: text) else {
            log.error(
                "unknown category \(MappingReader.quoted(text)); allowed: \(PointCategory.allCases.map(\.rawValue).joined(separator: ", "))",
                at: reader.position(of: "category")
            )
            return nil
        }
        return category
    }

    // MARK: - Status

    private func readStatus(_ reader: MappingReader, type: DataType?) -> (StatusRole?, [Int: PointState]?, PointState?)
    {
        var role: StatusRole?
        if let name = reader.string("status") {
            role = StatusRole(rawValue: name)
            if role == nil {
                log.error(
                    "unknown status \(MappingReader.quoted(name)); allowed: \(Self.roleNames)",
                    at: reader.position(of: "status")
                )
            } else if let type, !Self.isFlag(type) {
                log.error(
                    "'status' marks a flag (type bool or bit); for a \(type) value use 'states' to name its values",
                    at: reader.position(of: "status")
                )
            }
        }
        guard let entries = reader.entries("states") else { return (role, nil, nil) }
        if reader.has("status") {
            log.error(
                "write either 'status' (a flag) or 'states' (an enum), not both",
                at: reader.keyPosition(of: "states")
            )
        }
        var states: [Int: PointState] = [:]
        var other: PointState?
        for (key, value) in entries {
            if key.scalar?.string == "other" {
                other = readState(value, name: "other", reader: reader)
                continue
            }
            guard let raw = YAMLNumber.int(key) else {
                log.error(
                    "state values are whole numbers (or 'other', for every value not listed), not \(key.kindName)",
                    at: document.position(of: key)
                )
                continue
            }
            if let state = readState(value, name: "state \(raw)", reader: reader) { states[raw] = state }
        }
        return (role, states, other)
    }

    /// One entry of `states`: a label, or `{ label: …, status: … }`.
    private func readState(_ value: Node, name: String, reader: MappingReader) -> PointState? {
        if let label = value.scalar?.string {
            let position = document.position(of: value)
            guard
                MappingReader.checkedText(label, key: name, context: reader.context, at: position, log: log)
                    != nil
            else { return nil }
            return PointState(label: label)
        }
        guard
            let state = MappingReader(
                value,
                context: name,
                allowed: ["label", "status"],
                document: document,
                log: log
            ),
            let label = state.string("label", required: true)
        else { return nil }
        var stateRole: StatusRole?
        if let roleName = state.string("status") {
            stateRole = StatusRole(rawValue: roleName)
            if stateRole == nil {
                log.error(
                    "unknown status \(MappingReader.quoted(roleName)); allowed: \(Self.roleNames)",
                    at: state.position(of: "status")
                )
            }
        }
        return PointState(label: label, status: stateRole)
    }

    // MARK: - Conversion

    private func readConversion(_ reader: MappingReader, type: DataType?) -> Conversion? {
        var conversion = Conversion()
        var valid = true
        let scale = reader.double("scale")
        let offset = reader.double("offset")
        if let scale, abs(scale) < ConfigLimits.smallestScale {
            log.error(
                "'scale' in \(reader.context) must not be 0 (nor smaller than 1e-12): every reading would be \(offset ?? 0), whatever the device sends",
                at: reader.position(of: "scale")
            )
            valid = false
        }
        if let rangeReader = reader.mapping("range", context: "range", allowed: ["raw", "engineering", "eng"]) {
            if scale != nil || offset != nil {
                log.error("write either 'scale'/'offset' or 'range', not both", at: reader.keyPosition(of: "range"))
                valid = false
            }
            if let linear = ConversionOverrideReader.linear(rangeReader) {
                conversion.scaling = linear
            } else {
                valid = false
            }
        } else if scale != nil || offset != nil {
            conversion.scaling = .factor(scale: scale ?? 1, offset: offset ?? 0)
        }
        conversion.decimals = reader.int("decimals", in: 0...9)
        if let ne43 = reader.bool("ne43"), ne43 {
            guard case .linear = conversion.scaling else {
                log.error(
                    "ne43 needs a 'range' whose raw ends are the 4 mA and 20 mA readings",
                    at: reader.keyPosition(of: "ne43")
                )
                return nil
            }
            conversion.ne43 = true
        }
        if reader.has("measuring_range") {
            if let range = pairNode(reader, "measuring_range"), range.0 < range.1 {
                conversion.measuringRange = range.0...range.1
            } else {
                log.error(
                    "measuring_range is [low, high] in engineering units",
                    at: reader.position(of: "measuring_range")
                )
                valid = false
            }
        }
        let rawBits = type.map { min($0.registerCount, 4) * 16 } ?? 64
        for (key, value) in reader.entries("sentinels") ?? [] {
            guard let raw = YAMLNumber.int(key), raw >= 0 else {
                log.error(
                    "sentinel keys are raw register values such as 0xFFFF, not \(key.kindName)",
                    at: document.position(of: key)
                )
                valid = false
                continue
            }
            if rawBits < 64, raw >> rawBits != 0 {
                log.error(
                    "sentinel \(raw) (0x\(String(raw, radix: 16, uppercase: true))) does not fit the \(rawBits)-bit raw value of \(reader.context): the largest is 0x\(String((1 << rawBits) - 1, radix: 16, uppercase: true))",
                    at: document.position(of: key)
                )
                valid = false
                continue
            }
            guard let name = value.scalar?.string, let role = StatusRole(rawValue: name) else {
                log.error("a sentinel names a status: \(Self.roleNames)", at: document.position(of: value))
                valid = false
                continue
            }
            conversion.sentinels[UInt64(raw)] = role
        }
        if let type, (reader.has("scale") || reader.has("range") || reader.has("offset")) {
            switch type {
            case .bool, .bit, .string:
                log.error("\(type) values are not scaled: remove scale, offset and range", at: reader.position)
                valid = false
            default: break
            }
        }
        return valid ? conversion : nil
    }

    private func pairNode(_ reader: MappingReader, _ key: String) -> (Double, Double)? {
        guard case .sequence(let items)? = reader.node(key), items.count == 2 else { return nil }
        let numbers = items.compactMap(YAMLNumber.double).filter {
            $0.isFinite && abs($0) <= ConfigLimits.largestNumber
        }
        guard numbers.count == 2 else { return nil }
        return (numbers[0], numbers[1])
    }
}

/// 1-based Modicon addresses: 40001 is holding register 0.
enum PLCAddress {
    static func parse(_ text: String) -> (ModbusTable, Int)? {
        guard (5...6).contains(text.count), text.allSatisfy(\.isNumber), let first = text.first,
            let number = Int(text.dropFirst()), number >= 1, number <= (text.count == 5 ? 9999 : 65536)
        else { return nil }
        let table: ModbusTable
        switch first {
        case "0": table = .coil
        case "1": table = .discrete
        case "3": table = .input
        case "4": table = .holding
        default: return nil
        }
        return (table, number - 1)
    }
}
