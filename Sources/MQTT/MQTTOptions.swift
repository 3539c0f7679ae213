/// How an ``MQTTClient`` connects: broker, identity, session, credentials, TLS and last will.
public struct MQTTOptions: Sendable {
    /// The MQTT protocol level of the CONNECT packet.
    public enum ProtocolVersion: String, Sendable, Hashable {
        /// MQTT 3.1.1 (protocol level 4): every broker speaks it.
        case v311 = "3.1.1"
        /// MQTT 5: reason codes on PUBACK and a session expiry interval.
        case v5 = "5"
    }

    /// TLS settings: the broker's CA and, for mutual TLS, the client's certificate and key (PEM files).
    public struct TLS: Sendable, Hashable {
        /// The CA that signs the broker's certificate; nil trusts the system CAs (`caDirectory`).
        public var caFile: String?
        /// The directory of trusted CAs used when `caFile` is nil.
        public var caDirectory: String
        public var certificateFile: String?
        public var keyFile: String?

        public init(
            caFile: String? = nil,
            caDirectory: String = "/etc/ssl/certs",
            certificateFile: String? = nil,
            keyFile: String? = nil
        ) {
            self.caFile = caFile
            self.caDirectory = caDirectory
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// Who the client is in errors and logs (`uplink 'park'`, `receiver`); never holds a secret.
    public var name: String
    public var host: String
    public var port: Int
    /// The client id: stable across restarts so the broker keeps the session (and its queued messages).
    public var clientID: String
    /// False (the default) asks the broker for a persistent session: subscriptions and unacknowledged
    /// QoS 1 messages survive a reconnect. (MQTT 5: clean start off and ``sessionExpiry``.)
    public var cleanSession: Bool
    /// MQTT 5 only: how long the broker keeps the session after a disconnect, in seconds.
    public var sessionExpiry: UInt32
    public var protocolVersion: ProtocolVersion
    /// The keepalive: the broker declares the client gone (and publishes its will) after 1.5 times this
    /// without a packet; the client pings within it and reconnects when the broker stops answering.
    public var keepalive: Duration
    public var username: String?
    public var password: String?
    /// TLS for `mqtts://`; nil is plain TCP.
    public var tls: TLS?
    /// The last will: published by the broker when the connection ends without a DISCONNECT.
    public var will: MQTTMessage?
    /// The most QoS 1 messages sent and not yet acknowledged; more wait in the client's queue.
    public var maxInFlight: Int
    /// Reconnect delays: exponential from `reconnectInitial` to `reconnectMaximum`, jittered by ±20 %.
    public var reconnectInitial: Duration
    public var reconnectMaximum: Duration

    public init(
        name: String,
        host: String,
        port: Int,
        clientID: String,
        cleanSession: Bool = false,
        sessionExpiry: UInt32 = 7 * 86400,
        protocolVersion: ProtocolVersion = .v311,
        keepalive: Duration = .seconds(30),
        username: String? = nil,
        password: String? = nil,
        tls: TLS? = nil,
        will: MQTTMessage? = nil,
        maxInFlight: Int = 20,
        reconnectInitial: Duration = .milliseconds(500),
        reconnectMaximum: Duration = .seconds(30)
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.sessionExpiry = sessionExpiry
        self.protocolVersion = protocolVersion
        self.keepalive = keepalive
        self.username = username
        self.password = password
        self.tls = tls
        self.will = will
        self.maxInFlight = maxInFlight
        self.reconnectInitial = reconnectInitial
        self.reconnectMaximum = reconnectMaximum
    }

    /// `host:port`, for messages.
    public var broker: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
