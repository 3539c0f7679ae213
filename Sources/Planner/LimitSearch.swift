public import Modbus

/// The search for how many registers (or bits) one read of a device may really carry, from the reads
/// it answered and the multi-point reads it refused with exception 02 or 03.
///
/// A pure record of evidence, fed by the poller: every answered read of `count` items proves the limit
/// is at least `count`; a refused read of more items than any answered one suggests the limit lies
/// below it. A refusal that turns out to be about an address (a point the device refuses even alone,
/// inside the refused span) is no evidence about the count and is dropped
/// (``discardRefusals(covering:of:)``). The plan is made with ``planningMaximum``, the middle of what
/// is still unknown, so the search halves the gap with every refusal and ends, after a few cycles, at
/// the device's real limit (``limit``).
public struct LimitSearch: Sendable, Hashable {
    /// The largest read the device answered, 0 before the first.
    public private(set) var largestAnswered = 0
    /// The refused reads that still count as evidence, by table.
    private var refusals: [ModbusTable: [ClosedRange<Int>]] = [:]
    /// The limit taken once a whole cycle planned within the search's middle was answered: the points'
    /// layout leaves nothing more to try (``settle()``).
    private var settled: Int?

    public init() {}

    /// The smallest read refused that is larger than any read answered, if any.
    public var smallestRefused: Int? {
        refusals.values.joined().map(\.count).filter { $0 > largestAnswered }.min()
    }

    /// The device's real limit once the search has ended: it answered `limit` items and refused one more.
    /// Also the longest read answered once the search has settled (``settle()``).
    public var limit: Int? {
        guard let refused = smallestRefused else { return nil }
        return refused == largestAnswered + 1 ? largestAnswered : settled
    }

    /// The most items one read may carry while planning; `nil` when nothing was refused (the map's
    /// limit stands).
    public var planningMaximum: Int? {
        guard let refused = smallestRefused else { return nil }
        if settled != nil { return largestAnswered }
        if largestAnswered == 0 { return max(1, refused / 2) }
        return (largestAnswered + refused) / 2
    }

    /// Ends the search at the longest read answered, after a cycle planned within ``planningMaximum``
    /// was answered without a refusal: the points' layout makes no longer read possible below the
    /// shortest refusal, so the plan would not change any more.
    public mutating func settle() {
        guard smallestRefused != nil, largestAnswered > 0, limit == nil else { return }
        settled = largestAnswered
    }

    /// Records a read the device answered.
    public mutating func answered(count: Int) {
        largestAnswered = max(largestAnswered, count)
    }

    /// Records a read serving several points that the device refused with exception 02 or 03.
    public mutating func refused(_ table: ModbusTable, addresses: ClosedRange<Int>) {
        guard addresses.count > largestAnswered else { return }
        refusals[table, default: []].append(addresses)
        // Only the smallest refusals matter; keep a few, so the record stays small for the whole run.
        if refusals[table, default: []].count > 8 {
            refusals[table] = Array(refusals[table, default: []].sorted { $0.count < $1.count }.prefix(8))
        }
    }

    /// Drops the refusals whose span holds `addresses`: the device refuses those addresses themselves,
    /// which explains the refusal whatever its size.
    public mutating func discardRefusals(covering addresses: ClosedRange<Int>, of table: ModbusTable) {
        refusals[table]?.removeAll { $0.overlaps(addresses) }
    }
}
