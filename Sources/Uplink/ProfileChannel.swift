public import FramedTCP
import GatewayCore
import Outbox
public import PlatformProfile
import Synchronization

/// What an uplink with a platform profile (`profile:`) sends instead of chemgate's own batches: the
/// profile's renderer (one per uplink, used by one task at a time behind a lock) and, for a framed-TCP
/// profile, the uplink's one persistent connection.
///
/// ``UplinkForwarder`` takes one in ``UplinkForwarder/Settings/profile``; without it the forwarder
/// sends `chemgate.batch/1` through its fast batch writer.
public final class ProfileChannel: Sendable {
    public let profile: PlatformProfile
    /// The digest of the catalogue (``ProfileRenderer/catalogueDigest``): the log keeps the one last
    /// accepted, and the catalogue goes at start only when it differs.
    public var catalogueDigest: String { renderer.withLock { $0.catalogueDigest } }
    /// The framed-TCP connection of a `transport: tcp` profile; nil for HTTP.
    public let tcp: FramedTCPClient?
    private let renderer: Mutex<ProfileRenderer>
    private let catalogueRequested = Mutex(false)

    /// - Parameters:
    ///   - renderer: the uplink's renderer (profile, site catalogue, secrets).
    ///   - tcpAddress: the `tcp://HOST:PORT` of a framed-TCP profile; nil for HTTP.
    ///   - connectTimeout: how long a TCP connection attempt may take.
    ///   - replyTimeout: how long a TCP frame's reply may take.
    public init(
        renderer: ProfileRenderer,
        tcpAddress: (host: String, port: Int)? = nil,
        connectTimeout: Duration = .seconds(3),
        replyTimeout: Duration = .seconds(10)
    ) {
        self.profile = renderer.profile
        self.renderer = Mutex(renderer)
        if case .tcp(let framing) = renderer.profile.transport, let tcpAddress {
            let format: FrameFormat =
                switch framing.boundary {
                case .delimiter(let bytes): .delimiter(bytes)
                case .lengthPrefix(let size): .lengthPrefix(bytes: size)
                }
            tcp = FramedTCPClient(
                configuration: .init(
                    host: tcpAddress.host,
                    port: tcpAddress.port,
                    format: format,
                    expectsReply: framing.expectsReply,
                    maxReplyBytes: framing.maxReplyBytes,
                    connectTimeout: connectTimeout,
                    replyTimeout: replyTimeout,
                    // Like the HTTP uplink's refused connections: a refused connect costs nothing, so the
                    // first frame goes within about a second of the platform's return.
                    backoff: ReconnectBackoff(initial: .milliseconds(250), maximum: .seconds(1))
                )
            )
        } else {
            tcp = nil
        }
    }

    /// The messages of a batch (and the sequences this platform does not take).
    func render(_ records: [Record], batchID: String, logID: String) throws(ProfileError) -> RenderedBatch {
        try renderer.withLock { renderer throws(ProfileError) in
            try renderer.render(records, sentAt: .now(), batchID: batchID, logID: logID)
        }
    }

    /// The point catalogue's messages; empty when the profile has none.
    func catalogue() throws(ProfileError) -> [RenderedMessage] {
        try renderer.withLock { renderer throws(ProfileError) in try renderer.renderCatalogue(sentAt: .now()) }
    }

    /// The heartbeat message; nil when the profile has none.
    func heartbeat() throws(ProfileError) -> RenderedMessage? {
        try renderer.withLock { renderer throws(ProfileError) in try renderer.renderHeartbeat(sentAt: .now()) }
    }

    /// Whether the profile defines a heartbeat message.
    var hasHeartbeat: Bool { profile.messages[.heartbeat] != nil }

    /// Whether the profile defines a catalogue message.
    public var hasCatalogue: Bool { profile.messages[.catalogue] != nil }

    /// What the platform's reply means under the profile's `reply:` rule.
    func verdict(on reply: [UInt8]) -> ReplyVerdict {
        renderer.withLock { $0.verdict(on: reply) }
    }

    /// Whether the catalogue must go at start: the profile has one and the platform has not accepted
    /// this one yet (a new uplink, or a configuration or profile change since).
    func catalogueDueAtStart(log: DurableLog, destination: String) async -> Bool {
        guard hasCatalogue else { return false }
        return (try? await log.catalogueDigest(for: destination)) != catalogueDigest
    }

    /// Takes the site of a reloaded configuration (SIGHUP, `chemgate reload`): records of added points
    /// render with their fields, and when the catalogue changed it goes to the platform again before the
    /// next batch, so the platform knows every indicator before its data arrives.
    /// - Returns: whether the catalogue changed (and is sent again).
    /// - Throws: ``ProfileError`` when the profile uses a site value the new site does not give; the
    ///   running site stays.
    @discardableResult
    public func replaceSite(_ site: ProfileSite) throws(ProfileError) -> Bool {
        let changed = try renderer.withLock { renderer throws(ProfileError) -> Bool in
            let before = renderer.catalogueDigest
            try renderer.replaceSite(site)
            return renderer.catalogueDigest != before
        }
        if changed, hasCatalogue { requestCatalogue() }
        return changed && hasCatalogue
    }

    /// Asks the forwarder to send the point catalogue again before its next batch.
    public func requestCatalogue() {
        catalogueRequested.withLock { $0 = true }
    }

    /// Whether the catalogue was requested since the last call (and clears the request).
    func takeCatalogueRequest() -> Bool {
        catalogueRequested.withLock { requested in
            defer { requested = false }
            return requested
        }
    }
}
