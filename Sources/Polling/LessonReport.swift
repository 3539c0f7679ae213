public import DeviceMap
import GatewayCore
public import Modbus
public import Planner

/// One thing a device taught the poller at run time, in words that say what to fix in its map:
/// logged once when learned, and shown by the status endpoint for the rest of the run.
public struct LessonReport: Sendable, Hashable {
    /// What was learned.
    public enum Kind: String, Sendable, Hashable {
        /// The device refuses register reads longer than ``LessonReport/limit``.
        case maxRegisters = "max_registers"
        /// The device refuses bit reads longer than ``LessonReport/limit``.
        case maxBits = "max_bits"
        /// The device refuses the point(s) on ``LessonReport/addresses`` even when read alone.
        case refused
    }

    public var kind: Kind
    /// The longest read the device accepts, for ``Kind/maxRegisters`` and ``Kind/maxBits``.
    public var limit: Int?
    /// The table of the refused addresses.
    public var table: ModbusTable?
    /// The refused addresses.
    public var addresses: ClosedRange<Int>?
    /// The exception the device answered for them.
    public var exception: ModbusException?
    /// The points on the refused addresses.
    public var pointIDs: [String] = []
    /// What was learned and where to fix it, without the device's name: `refuses reads over 16 registers:
    /// set max_registers: 16 in Devices/x.yaml:12`.
    public var text: String

    /// Everything `lessons` holds, read-size limits first, then refused addresses in table and address order.
    public static func all(in lessons: PlanLessons, map: DeviceMap) -> [LessonReport] {
        new(in: lessons, since: PlanLessons(), map: map)
    }

    /// What `lessons` holds that `before` did not: a read-size limit found (or changed), a span refused.
    static func new(in lessons: PlanLessons, since before: PlanLessons, map: DeviceMap) -> [LessonReport] {
        var reports: [LessonReport] = []
        if let limit = lessons.registers.limit, limit != before.registers.limit {
            reports.append(sizeLimit(.maxRegisters, limit: limit, map: map))
        }
        if let limit = lessons.bits.limit, limit != before.bits.limit {
            reports.append(sizeLimit(.maxBits, limit: limit, map: map))
        }
        let spans = lessons.refused.filter { before.refused[$0.key] != $0.value }.values.sorted {
            ($0.table.readFunctionCode, $0.addresses.lowerBound) < ($1.table.readFunctionCode, $1.addresses.lowerBound)
        }
        for span in spans { reports.append(refused(span, map: map)) }
        return reports
    }

    private static func sizeLimit(_ kind: Kind, limit: Int, map: DeviceMap) -> LessonReport {
        let setting = kind.rawValue
        let items = kind == .maxBits ? "bits" : "registers"
        let line = kind == .maxBits ? map.defaults.limitLines.maxBits : map.defaults.limitLines.maxRegisters
        let fix: String
        if let line {
            fix = "set \(setting): \(limit) in \(map.path):\(line)"
        } else if let defaults = map.defaults.limitLines.defaults {
            fix = "add \(setting): \(limit) under defaults in \(map.path):\(defaults)"
        } else {
            fix = "add 'defaults: { \(setting): \(limit) }' to \(map.path)"
        }
        return LessonReport(
            kind: kind,
            limit: limit,
            text: "refuses reads over \(limit) \(items) (exception 02/03): \(fix); reads are planned within \(limit) "
                + "until the gateway restarts"
        )
    }

    private static func refused(_ span: PlanLessons.RefusedSpan, map: DeviceMap) -> LessonReport {
        let code = span.exception.rawValue < 16 ? "0\(span.exception.rawValue)" : "\(span.exception.rawValue)"
        let names = span.pointIDs.map { id in
            map.point(id).map { "'\(id)' (\(map.path):\($0.line))" } ?? "'\(id)'"
        }.joined(separator: ", ")
        let range =
            span.addresses.count == 1
            ? "\(span.addresses.lowerBound)" : "\(span.addresses.lowerBound)..\(span.addresses.upperBound)"
        let sizeLine = map.defaults.limitLines.maxRegisters ?? map.defaults.limitLines.defaults
        let sizeHint = sizeLine.map { "check max_registers in \(map.path):\($0), " } ?? "check max_registers, "
        return LessonReport(
            kind: .refused,
            table: span.table,
            addresses: span.addresses,
            exception: span.exception,
            pointIDs: span.pointIDs,
            text: "refuses \(span.table) \(range) even alone (exception \(code) \(span.exception.name)), point "
                + "\(names): \(sizeHint)the point's address and type, or list the addresses under forbidden; "
                + "the point reads bad and is asked again alone every probe interval"
        )
    }
}

extension LessonReport {
    /// The lesson as the status endpoint shows it.
    var snapshot: HealthSnapshot.Lesson {
        HealthSnapshot.Lesson(
            kind: kind.rawValue,
            limit: limit,
            table: table?.description,
            first: addresses?.lowerBound,
            last: addresses?.upperBound,
            exception: exception.map { Int($0.rawValue) },
            points: pointIDs.isEmpty ? nil : pointIDs,
            hint: text
        )
    }
}
