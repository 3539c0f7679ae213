public import Decoding
public import Formula
public import Modbus

/// One point of a device map: where it is, how to decode it, what it means.
///
/// A value type with one shared, immutable storage: every copy (the site, the plan, each readout,
/// the point processor's state, every reading of a poll) holds one reference, not the point's ~400
/// bytes of fields. Setting a property stores a new copy of the fields (or nothing, when the value is
/// unchanged), so a definition is never changed behind another copy's back. Equal and hashed by content.
public struct PointDefinition: Sendable, Hashable {
    private var storage: PointFields.Storage

    public var id: String {
        get { storage.fields.id }
        set { set(\.id, to: newValue) }
    }
    /// The engineer's name, Chinese allowed (e.g. `可燃气体浓度`).
    public var name: String? {
        get { storage.fields.name }
        set { set(\.name, to: newValue) }
    }
    public var table: ModbusTable {
        get { storage.fields.table }
        set { set(\.table, to: newValue) }
    }
    /// 0-based protocol address of the first register (or bit).
    public var address: Int {
        get { storage.fields.address }
        set { set(\.address, to: newValue) }
    }
    public var type: DataType {
        get { storage.fields.type }
        set { set(\.type, to: newValue) }
    }
    public var order: ByteOrder {
        get { storage.fields.order }
        set { set(\.order, to: newValue) }
    }
    /// Scaling, sentinels, NE43 and range checks.
    public var conversion: Conversion {
        get { storage.fields.conversion }
        set { set(\.conversion, to: newValue) }
    }
    /// Canonical engineering unit (see ``EngineeringUnit``).
    public var unit: String? {
        get { storage.fields.unit }
        set { set(\.unit, to: newValue) }
    }
    public var category: PointCategory {
        get { storage.fields.category }
        set { set(\.category, to: newValue) }
    }
    /// For a flag point: what it signals when set.
    public var status: StatusRole? {
        get { storage.fields.status }
        set { set(\.status, to: newValue) }
    }
    /// For an enum point: each raw value's label and what it signals.
    public var states: [Int: PointState]? {
        get { storage.fields.states }
        set { set(\.states, to: newValue) }
    }
    /// For a status point: the ids of the value points it qualifies; nil means all of its device (or channel).
    public var qualifies: [String]? {
        get { storage.fields.qualifies }
        set { set(\.qualifies, to: newValue) }
    }
    /// Default alarm limits, overridable per site.
    public var alarms: AlarmLimits? {
        get { storage.fields.alarms }
        set { set(\.alarms, to: newValue) }
    }
    /// Report by exception: the smallest change (engineering units) worth reporting; nil reports every change.
    public var reportDeadband: Double? {
        get { storage.fields.reportDeadband }
        set { set(\.reportDeadband, to: newValue) }
    }
    /// An analog value unchanged this long is frozen (a stuck sensor); nil disables the check.
    public var frozenAfter: Duration? {
        get { storage.fields.frozenAfter }
        set { set(\.frozenAfter, to: newValue) }
    }
    /// The channel (1-based) of a channel point.
    public var channel: Int? {
        get { storage.fields.channel }
        set { set(\.channel, to: newValue) }
    }
    /// The line of the point in its map, for messages.
    public var line: Int {
        get { storage.fields.line }
        set { set(\.line, to: newValue) }
    }
    /// A computed point's formula over other points of its device (`compute:`); nil for a point read
    /// from registers. A computed point has no table, address or type of its own (placeholders).
    public var formula: Formula? {
        get { storage.fields.formula }
        set { set(\.formula, to: newValue) }
    }
    /// `hidden: true`: read and decoded (an input of formulas and assertions) but never reported.
    public var hidden: Bool {
        get { storage.fields.hidden }
        set { set(\.hidden, to: newValue) }
    }
    /// `expect:`: the only values the device may report here; anything else makes the points this one
    /// qualifies bad (config_mismatch).
    public var expected: [ExpectedValue]? {
        get { storage.fields.expected }
        set { set(\.expected, to: newValue) }
    }
    /// `states: { other: … }`: the state of every value `states` does not list.
    public var otherState: PointState? {
        get { storage.fields.otherState }
        set { set(\.otherState, to: newValue) }
    }
    /// `simulate:`: for a computed point, how the simulator writes each input from the point's target
    /// `value` (formulas over `value`), so the registers it serves compute back to that value.
    public var simulation: [String: Formula] {
        get { storage.fields.simulation }
        set { set(\.simulation, to: newValue) }
    }

    init(
        id: String,
        name: String?,
        table: ModbusTable,
        address: Int,
        type: DataType,
        order: ByteOrder,
        conversion: Conversion,
        unit: String?,
        category: PointCategory,
        status: StatusRole?,
        states: [Int: PointState]?,
        qualifies: [String]?,
        alarms: AlarmLimits?,
        reportDeadband: Double?,
        frozenAfter: Duration?,
        channel: Int?,
        line: Int,
        formula: Formula? = nil,
        hidden: Bool = false,
        expected: [ExpectedValue]? = nil,
        otherState: PointState? = nil,
        simulation: [String: Formula] = [:]
    ) {
        storage = PointFields.Storage(
            PointFields(
                id: id,
                name: name,
                table: table,
                address: address,
                type: type,
                order: order,
                conversion: conversion,
                unit: unit,
                category: category,
                status: status,
                states: states,
                qualifies: qualifies,
                alarms: alarms,
                reportDeadband: reportDeadband,
                frozenAfter: frozenAfter,
                channel: channel,
                line: line,
                formula: formula,
                hidden: hidden,
                expected: expected,
                otherState: otherState,
                simulation: simulation
            )
        )
    }

    private mutating func set<Value: Equatable>(_ field: WritableKeyPath<PointFields, Value>, to value: Value) {
        guard storage.fields[keyPath: field] != value else { return }
        var fields = storage.fields
        fields[keyPath: field] = value
        storage = PointFields.Storage(fields)
    }

    public static func == (lhs: PointDefinition, rhs: PointDefinition) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }

    /// Whether both are the same stored definition (not only equal): for tests of memory use.
    func sharesStorage(with other: PointDefinition) -> Bool { storage === other.storage }

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
