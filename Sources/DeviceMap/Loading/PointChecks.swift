import Decoding
import Modbus

/// Checks that need every point of a map: overlaps, forbidden addresses, sizes, references.
struct PointChecks {
    let points: [PointDefinition]
    let forbidden: [ModbusTable: [ClosedRange<Int>]]
    let defaults: MapDefaults
    let file: SourceFile
    let log: IssueLog

    func run() {
        let ids = Set(points.map(\.id))
        for point in points where point.isComputed {
            for target in point.qualifies ?? [] where !ids.contains(target) {
                log.error(
                    "point '\(point.id)' qualifies \(MappingReader.quoted(target)), which is not a point of this map",
                    at: SourcePosition(file: file, line: point.line, column: 5)
                )
            }
        }
        for point in points where !point.isComputed {
            let position = SourcePosition(file: file, line: point.line, column: 5)
            if point.address + point.count - 1 > 65535 {
                log.error(
                    "point '\(point.id)' runs past address 65535 (\(point.address) + \(point.count) registers)",
                    at: position
                )
            }
            let maximum = point.table.holdsBits ? defaults.maxBits : defaults.maxRegisters
            if point.count > maximum {
                log.error(
                    "point '\(point.id)' needs \(point.count) registers, but max_registers is \(maximum)",
                    at: position
                )
            }
            if let range = forbidden[point.table]?.first(where: { $0.overlaps(point.addresses) }) {
                log.error(
                    "point '\(point.id)' (\(point.table) \(point.addresses.lowerBound)..\(point.addresses.upperBound)) lies in the forbidden range \(range.lowerBound)..\(range.upperBound)",
                    at: position
                )
            }
            for target in point.qualifies ?? [] where !ids.contains(target) {
                log.error(
                    "point '\(point.id)' qualifies \(MappingReader.quoted(target)), which is not a point of this map",
                    at: position
                )
            }
        }
        checkOverlaps()
    }

    /// Two points may share registers only when they read them the same way: bits and bit fields of
    /// one register, or the same span with the same length and byte order (two views of one value).
    private func checkOverlaps() {
        let byTable = Dictionary(grouping: points.filter { !$0.isComputed }, by: \.table)
        for (_, group) in byTable {
            let sorted = group.sorted { ($0.address, $0.line) < ($1.address, $1.line) }
            for (index, first) in sorted.enumerated() {
                for second in sorted[(index + 1)...] {
                    guard second.address <= first.addresses.upperBound else { break }
                    guard !agree(first, second) else { continue }
                    log.error(
                        "point '\(second.id)' (\(second.table) \(second.addresses.lowerBound)..\(second.addresses.upperBound), \(second.type)) overlaps point '\(first.id)' (\(first.addresses.lowerBound)..\(first.addresses.upperBound), \(first.type), line \(first.line)) and reads the registers differently",
                        at: SourcePosition(file: file, line: second.line, column: 5)
                    )
                }
            }
        }
    }

    private func agree(_ a: PointDefinition, _ b: PointDefinition) -> Bool {
        if a.table.holdsBits { return true }
        if a.count == 1 && b.count == 1 { return true }
        return a.addresses == b.addresses && a.order == b.order
    }
}
