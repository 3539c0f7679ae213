import GatewayCore

/// What a record's order is kept by when several batches of one destination are in flight: a reading's
/// point (its device and point), an event's device (all events of a device, point or not, keep their
/// order; gateway events without a device share one key).
///
/// A new batch never takes a record whose key an unacknowledged in-flight batch holds
/// (``DurableLog/nextBatch(for:maxRecords:maxBytes:liveWindow:now:excluding:holding:)``): the record
/// stays pending for a later batch, so a failed batch retried after a later one was accepted cannot put
/// a point's records out of order at the platform.
public struct OrderKey: Hashable, Sendable {
    let lane: Lane
    let device: String
    let point: String

    /// The key of a reading of `point` on `device`.
    init(readingOf device: String, point: String) {
        lane = .reading
        self.device = device
        self.point = point
    }

    public init(_ record: Record) {
        switch record.payload {
        case .reading(let reading):
            lane = .reading
            device = reading.device
            point = reading.point
        case .event(let event):
            lane = .event
            device = event.device ?? ""
            point = ""
        }
    }
}

extension Batch {
    /// The order keys of the batch's records (``OrderKey``).
    public var orderKeys: Set<OrderKey> {
        var keys = Set<OrderKey>(minimumCapacity: records.count)
        for record in records { keys.insert(OrderKey(record)) }
        return keys
    }
}
