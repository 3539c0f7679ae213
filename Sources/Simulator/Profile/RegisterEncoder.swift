import Decoding

/// Writes a value into registers the way a device of the given type and byte order would: the
/// simulator's side of ``Decoder``. (The decoder's own tests never use it: they decode frames
/// written by hand from the specifications.)
enum RegisterEncoder {
    /// The registers of `value` as `type` in `order`; numbers are rounded and clamped to the type.
    static func encode(_ value: Double, as type: DataType, order: ByteOrder) -> [UInt16] {
        switch type {
        case .bool, .bit, .bitField:
            return [UInt16(clamping: Int(value.rounded()))]
        case .int16:
            return order16([UInt16(bitPattern: Int16(clamping: Int(value.rounded())))], order)
        case .uint16:
            return order16([UInt16(clamping: Int(value.rounded()))], order)
        case .bcd16:
            return order16([UInt16(bcd(UInt64(clamping: Int(value.rounded())), digits: 4))], order)
        case .int32:
            return words(UInt64(UInt32(bitPattern: Int32(clamping: Int(value.rounded())))), count: 2, order: order)
        case .uint32:
            return words(UInt64(UInt32(clamping: Int(value.rounded()))), count: 2, order: order)
        case .bcd32:
            return words(bcd(UInt64(clamping: Int(value.rounded())), digits: 8), count: 2, order: order)
        case .float32:
            return words(UInt64(Float(value).bitPattern), count: 2, order: order)
        case .int64:
            return words(
                UInt64(bitPattern: Int64(value.rounded().clamped(to: -9.2e18...9.2e18))),
                count: 4,
                order: order
            )
        case .uint64:
            return words(UInt64(value.rounded().clamped(to: 0...1.8e19)), count: 4, order: order)
        case .float64:
            return words(value.bitPattern, count: 4, order: order)
        case .string(let registers):
            return encode(text: String(value), registers: registers, order: order)
        }
    }

    /// ASCII text, two characters per register, padded with NULs.
    static func encode(text: String, registers: Int, order: ByteOrder) -> [UInt16] {
        var bytes = Array(text.utf8.prefix(registers * 2))
        bytes += Array(repeating: 0, count: registers * 2 - bytes.count)
        let words = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return order16(words, order)
    }

    private static func order16(_ registers: [UInt16], _ order: ByteOrder) -> [UInt16] {
        order.swapsBytes ? registers.map(\.byteSwapped) : registers
    }

    /// Splits `bits` into `count` registers, most significant first, then applies the order.
    private static func words(_ bits: UInt64, count: Int, order: ByteOrder) -> [UInt16] {
        var registers = (0..<count).map { index in UInt16(truncatingIfNeeded: bits >> (16 * (count - 1 - index))) }
        if order.swapsWords { registers.reverse() }
        return order16(registers, order)
    }

    private static func bcd(_ value: UInt64, digits: Int) -> UInt64 {
        var result: UInt64 = 0
        var remaining = value
        for digit in 0..<digits {
            result |= (remaining % 10) << (4 * UInt64(digit))
            remaining /= 10
        }
        return result
    }
}

extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
