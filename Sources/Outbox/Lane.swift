/// The two queues of the uplink, and the two kinds of record: events go ahead of readings.
///
/// The log stores one `lane` column rather than a `kind` and a `lane`: every event travels in the
/// event lane and every reading in the reading lane, so a second column would only repeat it.
public enum Lane: String, Sendable, Hashable, CaseIterable {
    /// Alarms and state changes ( ``GatewayEvent``): never dropped, always sent first.
    case event
    /// Readings: live ones first, then the backlog.
    case reading
}
