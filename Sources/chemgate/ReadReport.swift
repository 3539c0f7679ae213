import Modbus

/// The text `chemgate read` prints: a heading, then one line per register or bit.
struct ReadReport {
    var endpoint: ModbusEndpoint
    var unit: UInt8
    var table: ModbusTable
    var address: UInt16
    var data: ModbusData
    var elapsed: Duration

    var text: String {
        let last = Int(address) + data.count - 1
        var lines = [
            "\(endpoint) unit \(unit) \(table) \(address)..\(last): \(data.count) \(data.count == 1 ? String(table.itemName.dropLast()) : table.itemName) in \(elapsed.formattedMilliseconds)"
        ]
        switch data {
        case .registers(let values):
            lines.append("address  hex     uint16   int16")
            for (offset, value) in values.enumerated() {
                lines.append(
                    pad(Int(address) + offset, 7) + "  " + hex(value) + "  " + pad(Int(value), 6) + "  "
                        + pad(Int(Int16(bitPattern: value)), 6)
                )
            }
        case .bits(let values):
            lines.append("address  value")
            for (offset, value) in values.enumerated() {
                lines.append(pad(Int(address) + offset, 7) + "  " + (value ? "1" : "0"))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}

extension Duration {
    /// `1.25 ms`.
    var formattedMilliseconds: String {
        let microseconds = Int(self / .microseconds(1))
        return "\(microseconds / 1000).\(String(format2: (microseconds % 1000) / 10)) ms"
    }
}

extension String {
    /// Two digits with a leading zero.
    init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
