import Decoding
import Modbus

/// What `chemgate read --type` prints under the registers: the value in one or every byte order.
struct DecodePreview {
    let type: DataType
    let order: String?
    let data: ModbusData

    var text: String {
        switch data {
        case .bits(let bits):
            return "decoded as \(type): \(bits.first.map { $0 ? "true" : "false" } ?? "-")"
        case .registers(let registers):
            let orders = candidateOrders()
            let lines = orders.map { order -> String in
                let reading = Decoder.decode(registers: registers, as: type, order: order)
                let label = order.name(width: max(type.width, 16))
                return
                    "  \(label)\(String(repeating: " ", count: max(0, 9 - label.count)))\(Self.format(reading.value))"
            }
            return (["decoded as \(type):"] + lines).joined(separator: "\n")
        }
    }

    private func candidateOrders() -> [ByteOrder] {
        if let order, order.lowercased() != "all", let parsed = ByteOrder(name: order) { return [parsed] }
        if order?.lowercased() == "all" {
            return type.isMultiRegister ? [.abcd, .badc, .cdab, .dcba] : [.abcd, .badc]
        }
        return [.abcd]
    }

    static func format(_ value: RawValue) -> String {
        switch value {
        case .bool(let flag): flag ? "true" : "false"
        case .signed(let number): String(number)
        case .unsigned(let number): String(number)
        case .float(let number): number.isFinite ? String(number) : "\(number) (not a number: bad quality)"
        case .text(let text): "\"\(text)\""
        case .invalid(let reason): "invalid: \(reason)"
        }
    }
}
