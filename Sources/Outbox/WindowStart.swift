/// The live window of one destination's uplink (``DurableLog/liveWindowStart(after:liveFrom:end:for:_:)``).
struct WindowKey: Hashable, Sendable {
    let destination: String
    /// The uplink's `live_window` in milliseconds.
    let liveWindow: Int64
}

/// Where a live window started: the least sequence number of the rows with a timestamp at or after
/// `liveFrom` (UTC milliseconds).
struct WindowStart: Sendable {
    let liveFrom: Int64
    let sequence: Int64
}
