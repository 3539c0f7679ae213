import ArgumentParser
import Decoding
import DeviceMap
import GatewayCore
import Modbus
import Planner
import Polling

/// `chemgate read --map`: every point of a map, read once, decoded and qualified.
enum MapReadReport {
    static func run(mapPath: String, unit: UInt8, link: ModbusLink) async throws {
        let map: DeviceMap
        do throws(ConfigErrors) {
            map = try DeviceMapLoader.load(path: mapPath)
        } catch {
            Console.error(error.description)
            throw ExitStatus.usage.exitCode
        }
        var readout: DeviceReadout
        do throws(PlanningError) {
            readout = try DeviceReadout(map: map, unit: unit)
        } catch {
            Console.error("error: \(mapPath): \(error)")
            throw ExitStatus.usage.exitCode
        }
        let start = ContinuousClock.now
        let readings = await readout.readOnce(over: link).readings
        let elapsed = ContinuousClock.now - start
        Console.out(
            "\(link.endpoint) unit \(unit): \(map.vendor) \(map.model), \(readings.count) points in \(readout.plan.reads.count) reads, \(elapsed.formattedMilliseconds)"
        )
        let rows =
            [["point", "name", "value", "unit", "quality", "address"]]
            + readings.map { reading -> [String] in
                let point = reading.point
                return [
                    point.id, point.name ?? "", display(reading), point.unit ?? "", reading.quality.description,
                    point.isComputed
                        ? "= \(point.formulaText ?? "")"
                        : "\(point.table) \(point.address)" + (point.hidden ? " (hidden)" : ""),
                ]
            }
        for line in TextTable.render(rows) { Console.out(line) }
        for (id, error) in readout.isolated.sorted(by: { $0.key < $1.key }) {
            Console.error("warning: point '\(id)' isolated: \(error); check its address in \(mapPath)")
        }
        if readings.allSatisfy({ $0.quality.level == .bad }) { throw ExitStatus.communicationFailure.exitCode }
    }

    /// The value, or for a bad reading none but its registers (`- (raw 0x8000)`): a fault sentinel is
    /// not a concentration.
    private static func display(_ reading: PointReading) -> String {
        let point = reading.point
        if reading.quality.level == .bad { return reading.rawText.map { "- (raw \($0))" } ?? "-" }
        switch reading.value.value {
        case nil: return "-"
        case .bool(let flag): return flag ? "1" : "0"
        case .text(let text): return "\"\(text)\""
        case .integer(let integer):
            if let states = point.states {
                let label = Int(exactly: integer).flatMap { states[$0]?.label } ?? "unknown state"
                return "\(integer) (\(label))"
            }
            return String(integer)
        case .number(let number):
            if point.states != nil, let whole = Int(exactly: number) {
                let label = point.state(of: whole)?.label ?? "unknown state"
                return "\(whole) (\(label))"
            }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
    }
}
