import DeviceMap
import Modbus

extension PointReading {
    /// The raw content for diagnosis: registers in wire order as `0x7FFF` or `0x0123 0x4567`, a coil or
    /// discrete input as `0` or `1`; nil when nothing was read.
    public var rawText: String? {
        guard !registers.isEmpty else { return nil }
        if point.table.holdsBits { return registers.map { $0 == 0 ? "0" : "1" }.joined(separator: " ") }
        return registers.map { word in
            let digits = String(word, radix: 16, uppercase: true)
            return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
        }.joined(separator: " ")
    }
}
