/// Where the gateway listens for DTUs, and who may connect.
public struct DTUListenerSettings: Sendable, Hashable {
    public var host: String
    /// The port; 0 lets the kernel choose (read it back from ``DTUListener/port``).
    public var port: Int
    /// Addresses allowed to connect at all; nil allows every address.
    public var allow: DTUAllowList?
    /// How long a new connection may take to send its registration packet.
    public var registrationTimeout: Duration = .seconds(10)

    public init(host: String, port: Int, allow: DTUAllowList? = nil) {
        self.host = host
        self.port = port
        self.allow = allow
    }
}

/// One DTU link as the listener knows it.
public struct DTULinkSettings: Sendable, Hashable {
    /// The link's id in the site, for messages.
    public var linkID: String
    /// The id its registration packet carries (`dtu://ID`).
    public var registrationID: String
    public var registration: DTURegistration
    /// The heartbeat packet, taken out of the byte stream wherever it arrives; nil when the DTU sends none.
    public var heartbeat: DTUBytes?
    /// Addresses this DTU may register from; nil allows every address the listener allows.
    public var allow: DTUAllowList?

    public init(
        linkID: String,
        registrationID: String,
        registration: DTURegistration = .ascii,
        heartbeat: DTUBytes? = nil,
        allow: DTUAllowList? = nil
    ) {
        self.linkID = linkID
        self.registrationID = registrationID
        self.registration = registration
        self.heartbeat = heartbeat
        self.allow = allow
    }
}

/// What the listener knows of one DTU, for the status.
public struct DTULinkStatus: Sendable, Hashable {
    /// Whether a registered connection is held now.
    public var connected = false
    /// `IP:PORT` of the current (or, when disconnected, the last) connection.
    public var remoteAddress: String?
    /// When the current (or last) connection registered.
    public var connectedSince: ContinuousClock.Instant?
    /// When the last heartbeat packet arrived.
    public var lastHeartbeat: ContinuousClock.Instant?
    /// Heartbeat packets taken out of the stream since the listener started.
    public var heartbeats = 0
    /// Registrations accepted since the listener started.
    public var registrations = 0
    /// When the last connection ended, while none is held.
    public var disconnectedAt: ContinuousClock.Instant?

    public init() {}
}
