public import Modbus

/// What a device taught the poller at run time about the reads it accepts: how many registers (and
/// bits) one read may really carry, and which points it refuses even when they are read alone.
///
/// Kept for the rest of the run (and carried over when a poller is rebuilt for an unchanged device):
/// ``RequestPlan/make(points:limits:lessons:)`` plans with them, so a device that refuses long reads is
/// read in as few requests as its real limit allows instead of one point per request.
public struct PlanLessons: Sendable, Hashable {
    /// A point (or set of overlapping points) the device refuses even when it is read alone.
    public struct RefusedSpan: Sendable, Hashable {
        public var table: ModbusTable
        public var addresses: ClosedRange<Int>
        /// The exception it answered (02 or 03).
        public var exception: ModbusException
        /// The points on those addresses, in address order.
        public var pointIDs: [String]

        public init(table: ModbusTable, addresses: ClosedRange<Int>, exception: ModbusException, pointIDs: [String]) {
            self.table = table
            self.addresses = addresses
            self.exception = exception
            self.pointIDs = pointIDs
        }
    }

    /// The search for the registers one read may carry (holding and input registers).
    public private(set) var registers = LimitSearch()
    /// The search for the bits one read may carry (coils and discrete inputs).
    public private(set) var bits = LimitSearch()
    /// The spans refused alone, by their first point's id.
    public private(set) var refused: [String: RefusedSpan] = [:]

    public init() {}

    /// Whether nothing has been learned.
    public var isEmpty: Bool { self == PlanLessons() }

    /// The ids of every point refused alone.
    public var refusedPointIDs: Set<String> { Set(refused.values.flatMap(\.pointIDs)) }

    /// The search for `table`'s kind of item.
    public func search(for table: ModbusTable) -> LimitSearch { table.holdsBits ? bits : registers }

    /// Records a read the device answered.
    public mutating func answered(_ read: PlannedRead) {
        update(read.table) { $0.answered(count: read.count) }
    }

    /// Records a read serving several points that the device refused with exception 02 or 03.
    public mutating func refused(_ read: PlannedRead) {
        update(read.table) { $0.refused(read.table, addresses: read.addresses) }
    }

    /// Records a read serving one point (or one set of overlapping points) that the device refused:
    /// those addresses are left out of the plan, and the refusals of longer reads holding them are no
    /// evidence of a read-size limit any more.
    public mutating func refusedAlone(_ read: PlannedRead, exception: ModbusException) {
        guard let first = read.pointIDs.first else { return }
        refused[first] = RefusedSpan(
            table: read.table,
            addresses: read.addresses,
            exception: exception,
            pointIDs: read.pointIDs
        )
        update(read.table) { $0.discardRefusals(covering: read.addresses, of: read.table) }
    }

    /// Ends the read-size searches that a whole cycle without a refusal showed to be over
    /// (``LimitSearch/settle()``): those whose ``LimitSearch/planningMaximum`` is still what it was in
    /// `before`, the lessons the cycle's plan was made with (a search that moved on has more to try).
    public mutating func settle(since before: PlanLessons) {
        if registers.planningMaximum == before.registers.planningMaximum { registers.settle() }
        if bits.planningMaximum == before.bits.planningMaximum { bits.settle() }
    }

    /// Forgets that the points of a refused span were refused (they answered when asked again).
    public mutating func forgetRefusal(of pointIDs: Set<String>) {
        refused = refused.filter { $0.value.pointIDs.allSatisfy { !pointIDs.contains($0) } }
    }

    /// `base` narrowed by the lessons: the refused spans forbidden, the read sizes as far as the search
    /// has got (never below `floor`, the longest span that must be read at once).
    func limits(applying base: PlannerLimits, registerFloor: Int, bitFloor: Int) -> PlannerLimits {
        var limits = base
        if let maximum = registers.planningMaximum {
            limits.maxRegisters = max(min(base.maxRegisters, maximum), registerFloor)
        }
        if let maximum = bits.planningMaximum {
            limits.maxBits = max(min(base.maxBits, maximum), bitFloor)
        }
        for span in refused.values {
            limits.forbidden[span.table, default: []].append(span.addresses)
        }
        return limits
    }

    private mutating func update(_ table: ModbusTable, _ body: (inout LimitSearch) -> Void) {
        if table.holdsBits { body(&bits) } else { body(&registers) }
    }
}
