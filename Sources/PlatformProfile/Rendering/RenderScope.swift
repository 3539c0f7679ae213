import DeviceMap
import GatewayCore

/// A log record's reading with its log sequence.
struct ReadingItem {
    var sequence: Int64
    var reading: Reading
    var backfill: Bool
}

/// A log record's event with its log sequence.
struct EventItem {
    var sequence: Int64
    var event: GatewayEvent
}

/// What the template can see at one place of a message.
struct RenderScope {
    var messageID: String
    var messageTime: Timestamp
    var batchID: String?
    var logID: String?
    var readings: ArraySlice<ReadingItem>
    var events: ArraySlice<EventItem>
    var points: ArraySlice<CataloguePoint>
    var reading: ReadingItem?
    var event: EventItem?
    var point: CataloguePoint?
    var device: String?

    var count: Int { readings.count + events.count + points.count }

    var firstSequence: Int64? {
        [readings.first?.sequence, events.first?.sequence].compactMap { $0 }.min()
    }

    var lastSequence: Int64? {
        [readings.last?.sequence, events.last?.sequence].compactMap { $0 }.max()
    }

    /// The devices of the scope's readings, events and points, in order of first appearance.
    var deviceIDs: [String] {
        var seen = Set<String>()
        var order: [String] = []
        func add(_ id: String?) {
            guard let id, seen.insert(id).inserted else { return }
            order.append(id)
        }
        for item in readings { add(item.reading.device) }
        for item in events { add(item.event.device) }
        for point in points { add(point.device) }
        return order
    }

    /// The scope narrowed to one device.
    func narrowed(to device: String) -> RenderScope {
        var scope = self
        scope.readings = ArraySlice(readings.filter { $0.reading.device == device })
        scope.events = ArraySlice(events.filter { $0.event.device == device })
        scope.points = ArraySlice(points.filter { $0.device == device })
        scope.device = device
        return scope
    }
}
