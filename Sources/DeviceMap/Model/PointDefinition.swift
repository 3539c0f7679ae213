public import Decoding
public import Formula
public import Modbus

/// One point of a device map: where it is, how to decode it, what it means.
public struct PointDefinition: Sendable, Hashable {
    public var id: String
    /// The engineer's name, Chinese allowed (e.g. `可燃气体浓度`).
    public var name: String?
    public var table: ModbusTable
    /// 0-based protocol address of the first register (or bit).
    public var address: Int
    public var type: DataType
    public var order: ByteOrder
    /// Scaling, sentinels, NE43 and range checks.
    public var conversion: Conversion
    /// Canonical engineering unit (see ``EngineeringUnit``).
    public var unit: String?
    public var category: PointCategory
    /// For a flag point: what it signals when set.
    public var status: StatusRole?
    /// For an enum point: each raw value's label and what it signals.
    public var states: [Int: PointState]?
    /// For a status point: the ids of the value points it qualifies; nil means all of its device (or channel).
    public var qualifies: [String]?
    /// Default alarm limits, overridable per site.
    public var alarms: AlarmLimits?
    /// Report by exception: the smallest change (engineering units) worth reporting; nil reports every change.
    public var reportDeadband: Double?
    /// An analog value unchanged this long is frozen (a stuck sensor); nil disables the check.
    public var frozenAfter: Duration?
    /// The channel (1-based) of a channel point.
    public var channel: Int?
    /// The line of the point in its map, for messages.
    public var line: Int
    /// A computed point's formula over other points of its device (`compute:`); nil for a point read
    /// from registers. A computed point has no table, address or type of its own (placeholders).
    public var formula: Formula? = nil
    /// `hidden: true`: read and decoded (an input of formulas and assertions) but never reported.
    public var hidden = false
    /// `expect:`: the only values the device may report here; anything else makes the points this one
    /// qualifies bad (config_mismatch).
    public var expected: [ExpectedValue]? = nil
    /// `states: { other: … }`: the state of every value `states` does not list.
    public var otherState: PointState? = nil
    /// `simulate:`: for a computed point, how the simulator writes each input from the point's target
    /// `value` (formulas over `value`), so the registers it serves compute back to that value.
    public var simulation: [String: Formula] = [:]

    /// Registers (or bits) the point occupies.
    public var count: Int { table.holdsBits ? 1 : type.registerCount }

    /// Its addresses.
    public var addresses: ClosedRange<Int> { address...(address + count - 1) }

    /// Whether the point carries a process value (not a status flag or state, not a hidden input).
    public var isValue: Bool { status == nil && states == nil && category != .status && !hidden }

    /// Whether the point is computed from others rather than read (`compute:`).
    public var isComputed: Bool { formula != nil }

    /// The formula as written, for a computed point.
    public var formulaText: String? { formula?.text }

    /// Whether the point qualifies others: a status flag, an enum with states, or an assertion (`expect`).
    public var isQualifier: Bool { status != nil || states != nil || expected != nil }

    /// The state a value of an enum point stands for: its own entry, else the catch-all (`other`).
    public func state(of raw: Int) -> PointState? { states?[raw] ?? (states != nil ? otherState : nil) }
}

/// One value of an enum point.
public struct PointState: Sendable, Hashable {
    public var label: String
    public var status: StatusRole?

    public init(label: String, status: StatusRole? = nil) {
        self.label = label
        self.status = status
    }
}
