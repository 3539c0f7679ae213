/// Decodes Modbus registers and bits into raw readings, and converts them to engineering values
/// (see ``convert(_:type:with:)``).
///
/// Decoding never traps: a wrong register count, an out-of-range bit number, a bad BCD nibble or a non-ASCII
/// byte all give ``RawValue/invalid(_:)`` with the reason.
public enum Decoder {
    /// Decodes `registers` as `type` in `order`.
    ///
    /// There must be exactly `type.registerCount` registers, else the result is ``RawValue/invalid(_:)``
    /// with a message. Byte order applies to every register type: on one register, `swapsBytes` swaps its two
    /// bytes before bits, fields, integers or BCD digits are taken; on strings, it swaps the two characters
    /// in each register. `swapsWords` reverses the register order of multi-register numbers and is ignored
    /// for one register and for strings.
    public static func decode(registers: some Collection<UInt16>, as type: DataType, order: ByteOrder) -> RawReading {
        let words = Array(registers)
        guard type.registerCount >= 1 else {
            return invalid("\(type) needs at least 1 register")
        }
        guard words.count == type.registerCount else {
            let plural = type.registerCount == 1 ? "register" : "registers"
            return invalid("\(type) needs \(type.registerCount) \(plural), got \(words.count)")
        }
        if case .string = type {
            return decodeString(words, swapsBytes: order.swapsBytes)
        }
        let bits = assemble(words, order: order)
        switch type {
        case .bool:
            return RawReading(value: .bool(bits != 0), bits: bits)
        case .bit(let number):
            guard (0...15).contains(number) else { return invalid("bit \(number) is outside 0...15", bits: bits) }
            return RawReading(value: .bool(bits >> UInt64(number) & 1 == 1), bits: bits)
        case .bitField(let field):
            guard field.lowerBound >= 0, field.upperBound <= 15 else {
                return invalid("bits \(field.lowerBound)-\(field.upperBound) are outside 0...15", bits: bits)
            }
            let mask: UInt64 = (1 << UInt64(field.count)) - 1
            let value = bits >> UInt64(field.lowerBound) & mask
            return RawReading(value: .unsigned(value), bits: value)
        case .int16:
            return RawReading(value: .signed(Int64(Int16(bitPattern: UInt16(truncatingIfNeeded: bits)))), bits: bits)
        case .int32:
            return RawReading(value: .signed(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))), bits: bits)
        case .int64:
            return RawReading(value: .signed(Int64(bitPattern: bits)), bits: bits)
        case .uint16, .uint32, .uint64:
            return RawReading(value: .unsigned(bits), bits: bits)
        case .float32:
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            return RawReading(value: .float(Double(float)), bits: bits)
        case .float64:
            return RawReading(value: .float(Double(bitPattern: bits)), bits: bits)
        case .bcd16, .bcd32:
            return decodeBCD(bits, digits: 4 * words.count)
        case .string:
            return decodeString(words, swapsBytes: order.swapsBytes)
        }
    }

    /// Decodes one coil or discrete-input bit: `.bool(bit)` with bits 1 or 0.
    public static func decode(bit: Bool) -> RawReading {
        RawReading(value: .bool(bit), bits: bit ? 1 : 0)
    }

    /// The value's bits, most significant first, from registers in `order` (at most 4 registers).
    private static func assemble(_ words: [UInt16], order: ByteOrder) -> UInt64 {
        let ordered = order.swapsWords ? Array(words.reversed()) : words
        var bits: UInt64 = 0
        for word in ordered {
            let fixed = order.swapsBytes ? word.byteSwapped : word
            bits = bits << 16 | UInt64(fixed)
        }
        return bits
    }

    private static func decodeBCD(_ bits: UInt64, digits: Int) -> RawReading {
        var value: UInt64 = 0
        for index in stride(from: digits - 1, through: 0, by: -1) {
            let nibble = bits >> UInt64(4 * index) & 0xF
            guard nibble <= 9 else {
                return invalid("BCD nibble \(hex(nibble, digits: 1)) in \(hex(bits, digits: digits))", bits: bits)
            }
            value = value * 10 + nibble
        }
        return RawReading(value: .unsigned(value), bits: bits)
    }

    private static func decodeString(_ words: [UInt16], swapsBytes: Bool) -> RawReading {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 * words.count)
        for word in words {
            let high = UInt8(truncatingIfNeeded: word >> 8)
            let low = UInt8(truncatingIfNeeded: word)
            bytes.append(contentsOf: swapsBytes ? [low, high] : [high, low])
        }
        if let bad = bytes.first(where: { $0 > 0x7F }) {
            return invalid("byte \(hex(UInt64(bad), digits: 2)) is not ASCII")
        }
        while let last = bytes.last, last == 0x00 || last == 0x20 {
            bytes.removeLast()
        }
        let text = String(decoding: bytes, as: Unicode.ASCII.self)
        return RawReading(value: .text(text), bits: 0)
    }

    private static func invalid(_ why: String, bits: UInt64 = 0) -> RawReading {
        RawReading(value: .invalid(why), bits: bits)
    }

    /// `0x` and upper-case hex digits, zero-padded to `digits`.
    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
