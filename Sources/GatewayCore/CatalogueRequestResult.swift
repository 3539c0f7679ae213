/// What `POST /uplinks/ID/catalogue` came to.
public enum CatalogueRequestResult: Sendable, Hashable {
    /// The uplink sends its point catalogue before its next batch.
    case requested
    /// The uplink has no platform profile, or its profile no `catalogue` message.
    case noCatalogue
    /// No uplink has that id.
    case noSuchUplink
}

extension HealthReporting {
    /// No uplinks (the poller alone): there is no catalogue to send.
    public func requestCatalogue(uplink: String) async -> CatalogueRequestResult { .noSuchUplink }
}
