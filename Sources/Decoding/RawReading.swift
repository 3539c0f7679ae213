/// A decoded value and the raw bits it came from.
public struct RawReading: Sendable, Hashable {
    /// The decoded value.
    public var value: RawValue
    /// The assembled bits after byte and word order, zero-extended (int16 -1 is 0xFFFF, not 0xFFFF_FFFF_FFFF_FFFF).
    /// Used to match sentinels. For a bit field, the field shifted down to bit 0; for a coil, 0 or 1;
    /// for text, 0; for invalid content, the assembled bits when there were the right number of registers
    /// (e.g. the bad BCD word), else 0.
    public var bits: UInt64

    /// Creates a reading from a value and its bits.
    public init(value: RawValue, bits: UInt64) {
        self.value = value
        self.bits = bits
    }
}
