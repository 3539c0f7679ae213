public import Modbus

/// A device's limits, from its device map.
public struct PlannerLimits: Sendable, Hashable {
    /// Registers one read may carry, 1...125 (default 125).
    public var maxRegisters: Int
    /// Bits one read may carry, 1...2000 (default 2000).
    public var maxBits: Int
    /// How many addresses that belong to no point may be read to join two points into one read (default 0).
    public var maxGap: Int
    /// Whether each read covers exactly one point's own span (default `false`), for devices that cannot read blocks.
    ///
    /// Overlapping points still share one read.
    public var singleRegister: Bool
    /// Addresses never read, per table (default none).
    public var forbidden: [ModbusTable: [ClosedRange<Int>]]

    /// Creates a device's limits.
    /// - Parameters:
    ///   - maxRegisters: Registers one read may carry, 1...125.
    ///   - maxBits: Bits one read may carry, 1...2000.
    ///   - maxGap: Addresses that belong to no point but may be read to join two points into one read.
    ///   - singleRegister: Whether each read covers exactly one point's own span.
    ///   - forbidden: Addresses never read, per table.
    public init(
        maxRegisters: Int = 125,
        maxBits: Int = 2000,
        maxGap: Int = 0,
        singleRegister: Bool = false,
        forbidden: [ModbusTable: [ClosedRange<Int>]] = [:]
    ) {
        self.maxRegisters = maxRegisters
        self.maxBits = maxBits
        self.maxGap = maxGap
        self.singleRegister = singleRegister
        self.forbidden = forbidden
    }

    /// The most items one read of `table` may carry: ``maxBits`` for coils and discrete inputs, ``maxRegisters``
    /// for holding and input registers.
    ///
    /// The value is kept within `1...table.maximumReadCount`, the protocol's own limit.
    public func maximumCount(for table: ModbusTable) -> Int {
        let configured = table.holdsBits ? maxBits : maxRegisters
        return min(max(configured, 1), table.maximumReadCount)
    }

    /// The largest gap one read may bridge, never below 0.
    var gapAllowance: Int { max(maxGap, 0) }

    /// The first forbidden address of `table` within `range`, if any.
    func firstForbiddenAddress(in range: ClosedRange<Int>, of table: ModbusTable) -> Int? {
        var first: Int?
        for forbiddenRange in forbidden[table] ?? [] where forbiddenRange.overlaps(range) {
            let candidate = max(forbiddenRange.lowerBound, range.lowerBound)
            first = min(first ?? candidate, candidate)
        }
        return first
    }
}
