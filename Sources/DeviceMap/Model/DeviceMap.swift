public import Decoding
public import Modbus
public import Planner

/// One instrument model's register map, loaded from `Devices/<vendor>/<model>.yaml`.
public struct DeviceMap: Sendable, Hashable {
    /// The file, as named when loading.
    public var path: String
    public var vendor: String
    public var model: String
    public var description: String?
    /// Where the register map comes from (manual, section, page).
    public var source: MapSource
    public var defaults: MapDefaults
    /// Addresses never read, per table.
    public var forbidden: [ModbusTable: [ClosedRange<Int>]]
    /// Channels of a multi-channel controller (points with a stride repeat once per channel), or nil.
    public var channels: Int?
    /// Every point, channel points expanded (`reading_1` … `reading_32`).
    public var points: [PointDefinition]

    /// The point with this id.
    public func point(_ id: String) -> PointDefinition? { points.first { $0.id == id } }

    /// The limits the request planner works within.
    public var plannerLimits: PlannerLimits {
        PlannerLimits(
            maxRegisters: defaults.maxRegisters,
            maxBits: defaults.maxBits,
            maxGap: defaults.maxGap,
            singleRegister: defaults.singleRegister,
            forbidden: forbidden
        )
    }

    /// The ids of the value points a status point qualifies: those it names, else every measurement
    /// (gas, level, temperature, pressure, flow, interlock; not `other` points such as set points)
    /// of its channel (for a channel point) or of the device.
    public func qualifiedIDs(by status: PointDefinition) -> [String] {
        if let named = status.qualifies { return named }
        return points.filter {
            $0.isValue && $0.category != .other && (status.channel == nil || $0.channel == status.channel)
        }.map(\.id)
    }
}

/// Where a register map was taken from.
public struct MapSource: Sendable, Hashable {
    /// The manual or public source, by title.
    public var document: String
    public var section: String?
    public var page: String?
    public var url: String?
    /// What the source leaves unclear and which choice the map makes.
    public var notes: String?
}

/// Settings that apply to every point and request of a device unless a point says otherwise.
public struct MapDefaults: Sendable, Hashable {
    /// Byte and word order of multi-register values.
    public var byteOrder: ByteOrder = .abcd
    /// Registers per read request (1–125).
    public var maxRegisters = 125
    /// Bits per read request (1–2000).
    public var maxBits = 2000
    /// Unused registers (or bits) a read may span to join two points into one request.
    public var maxGap = 0
    /// Silence the device needs between two requests.
    public var requestPause: Duration = .zero
    /// Silence the device needs after a connection is opened.
    public var connectPause: Duration = .zero
    /// The device cannot read blocks: every point is read on its own.
    public var singleRegister = false
    /// The device's typical time to answer, for bus-time estimates.
    public var turnaround: Duration = .zero
    /// Where the map sets `max_registers` and `max_bits` (or its `defaults`, or nil), for hints such as
    /// "set max_registers: 16 in Devices/x.yaml:12" when a device refuses long reads at run time.
    public var limitLines = LimitLines()

    /// Lines of a map's read-size settings, for messages.
    public struct LimitLines: Sendable, Hashable {
        /// The line of `max_registers`, when the map sets it.
        public var maxRegisters: Int?
        /// The line of `max_bits`, when the map sets it.
        public var maxBits: Int?
        /// The line of `defaults`, when the map has the section.
        public var defaults: Int?

        public init() {}
    }

    public init() {}
}
