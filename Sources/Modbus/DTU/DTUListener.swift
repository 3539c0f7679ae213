import Foundation
import Glibc
public import Logging
import Synchronization

/// Accepts the connections DTUs open to the gateway (`dtu_listen`), reads each one's registration
/// packet and hands the connection to the link registered for that id.
///
/// One thread accepts; each connection gets its own thread, which reads the registration and then
/// pumps bytes (``DTUConnection``). A DTU that connects again replaces its old connection. A
/// connection with an unknown or missing registration, or from an address not allowed, is closed
/// and logged with its address, once per address and minute.
public final class DTUListener: Sendable {
    private struct State {
        var listener: Int32
        var stopped = false
        var connections: [String: DTUConnection] = [:]
        var statuses: [String: DTULinkStatus] = [:]
        /// Sockets still reading their registration.
        var registering: Set<Int32> = []
        /// When each address's refusal was last logged.
        var refusalsLogged: [String: ContinuousClock.Instant] = [:]
    }

    public let settings: DTUListenerSettings
    /// The port listened on (the one the kernel chose, when asked for port 0).
    public let port: Int
    /// The DTU links, by registration id.
    private let links: [String: DTULinkSettings]
    private let state: Mutex<State>
    private let logger: Logger

    /// Binds and starts accepting.
    /// - Throws: ``ModbusError`` when the address cannot be bound (`dtu_listen` names it).
    public init(settings: DTUListenerSettings, links: [DTULinkSettings], logger: Logger) throws(ModbusError) {
        ignoreBrokenPipes()
        let (listener, port) = try TCPStream.listen(host: settings.host, port: settings.port)
        self.settings = settings
        self.port = port
        self.links = Dictionary(links.map { ($0.registrationID, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.state = Mutex(State(listener: listener))
        let thread = Thread { [self] in acceptLoop(listener: listener) }
        thread.name = "dtu-accept"
        thread.start()
    }

    /// `HOST:PORT` as bound.
    public var address: String {
        settings.host.contains(":") ? "[\(settings.host)]:\(port)" : "\(settings.host):\(port)"
    }

    /// Stops accepting and closes every DTU connection. Idempotent.
    public func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            if state.listener >= 0 { shutdown(state.listener, Int32(SHUT_RDWR)) }
            for socket in state.registering { shutdown(socket, Int32(SHUT_RDWR)) }
            for connection in state.connections.values { connection.stop() }
        }
    }

    deinit { stop() }

    /// What is known of the DTU registered as `registrationID`.
    public func status(registrationID: String) -> DTULinkStatus {
        let (status, connection) = state.withLock { ($0.statuses[registrationID], $0.connections[registrationID]) }
        var result = status ?? DTULinkStatus()
        if let connection {
            let (last, count) = connection.lastHeartbeat
            result.heartbeats += count
            if let last { result.lastHeartbeat = last }
        }
        return result
    }

    /// Takes the current connection of `registrationID` for a link: the session end of its socket
    /// pair, which the caller owns from now on. Nil when the DTU is not connected.
    func claim(registrationID: String) -> Int32? {
        state.withLock { $0.connections[registrationID] }?.claim()
    }

    /// Why the DTU `registrationID` has no connection to claim, for the link-down reason.
    func notConnectedReason(registrationID: String) -> String {
        let status = status(registrationID: registrationID)
        var text = "the DTU '\(registrationID)' is not connected to the DTU listener \(address)"
        if let remote = status.remoteAddress, let since = status.disconnectedAt {
            text += " (its last connection, from \(remote), ended \(Self.ago(since)) ago)"
        } else if status.connected {
            text += " (its connection was closed; waiting for the DTU to connect again)"
        } else {
            text += " (it has not registered since the gateway started)"
        }
        return text
    }

    // MARK: - Accepting

    private func acceptLoop(listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            let acceptError = errno
            let keepGoing = state.withLock { state -> Bool in
                if state.stopped {
                    if client >= 0 { close(client) }
                    return false
                }
                if client >= 0 { state.registering.insert(client) }
                return true
            }
            guard keepGoing else { break }
            guard client >= 0 else {
                if acceptError == EINTR || acceptError == ECONNABORTED || acceptError == EMFILE {
                    if acceptError == EMFILE { usleep(100_000) }
                    continue
                }
                logger.error("DTU listener: accept failed", metadata: ["errno": "\(acceptError)"])
                break
            }
            let thread = Thread { [self] in serve(client) }
            thread.name = "dtu-connection"
            thread.start()
        }
        state.withLock { state in
            close(state.listener)
            state.listener = -1
        }
    }

    private func serve(_ socket: Int32) {
        let peer = TCPStream.peerAddress(socket) ?? (host: "?", port: 0)
        let remote = peer.host.contains(":") ? "[\(peer.host)]:\(peer.port)" : "\(peer.host):\(peer.port)"
        guard case let (link, leftover)? = register(socket, peer: peer.host, remote: remote) else {
            state.withLock { _ = $0.registering.remove(socket) }
            close(socket)
            return
        }
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            logger.error("DTU listener: cannot create a socket pair", metadata: ["errno": "\(errno)"])
            state.withLock { _ = $0.registering.remove(socket) }
            close(socket)
            return
        }
        TCPStream.setNoDelay(socket)
        let connection = DTUConnection(
            settings: link,
            remote: remote,
            socket: socket,
            pumpEnd: pair[0],
            sessionEnd: pair[1]
        )
        let replaced = state.withLock { state -> DTUConnection?? in
            state.registering.remove(socket)
            guard !state.stopped else { return .some(nil) }
            let old = state.connections.updateValue(connection, forKey: link.registrationID)
            var status = state.statuses[link.registrationID] ?? DTULinkStatus()
            if let old {
                let (last, count) = old.lastHeartbeat
                status.heartbeats += count
                if let last { status.lastHeartbeat = last }
            }
            status.connected = true
            status.remoteAddress = remote
            status.connectedSince = connection.since
            status.registrations += 1
            status.disconnectedAt = nil
            state.statuses[link.registrationID] = status
            return .some(old)
        }
        if case .some(let old?) = replaced {
            logger.notice(
                "DTU connected again: the new connection replaces the old one",
                metadata: [
                    "link": "\(link.linkID)", "dtu": "\(link.registrationID)", "from": "\(remote)",
                    "old": "\(old.remote)",
                ]
            )
            old.stop()
        } else {
            logger.notice(
                "DTU registered",
                metadata: ["link": "\(link.linkID)", "dtu": "\(link.registrationID)", "from": "\(remote)"]
            )
        }
        if state.withLock({ $0.stopped }) { connection.stop() }
        connection.pump(leftover: leftover)
        let current = state.withLock { state -> Bool in
            guard state.connections[link.registrationID] === connection else { return false }
            state.connections[link.registrationID] = nil
            state.statuses[link.registrationID]?.connected = false
            state.statuses[link.registrationID]?.disconnectedAt = .now
            state.statuses[link.registrationID]?.heartbeats += connection.lastHeartbeat.1
            if let last = connection.lastHeartbeat.0 { state.statuses[link.registrationID]?.lastHeartbeat = last }
            return true
        }
        if current {
            logger.notice(
                "DTU disconnected",
                metadata: ["link": "\(link.linkID)", "dtu": "\(link.registrationID)", "from": "\(remote)"]
            )
        }
    }

    /// Reads the registration packet and finds its link; nil (after logging) when refused.
    private func register(_ socket: Int32, peer: String, remote: String) -> (DTULinkSettings, [UInt8])? {
        if let allow = settings.allow, !allow.permits(peer) {
            refuse(peer, "connection from \(remote) refused: the address is not in the DTU listener's allow list")
            return nil
        }
        let packet = readRegistration(socket)
        guard !packet.isEmpty else {
            refuse(
                peer,
                "connection from \(remote) closed: no registration packet within "
                    + "\(settings.registrationTimeout.chemgateMilliseconds); configure the DTU to send one"
            )
            return nil
        }
        let best = links.values.compactMap { link -> (DTULinkSettings, Int)? in
            link.registration.consumed(packet, id: link.registrationID).map { (link, $0) }
        }.max { ($0.1, $1.0.registrationID) < ($1.1, $0.0.registrationID) }
        guard case let (link, consumed)? = best else {
            refuse(
                peer,
                "connection from \(remote) closed: its registration packet '\(DTUBytes(bytes: Array(packet.prefix(64))))' "
                    + "names no DTU link of this site (known: \(links.keys.sorted().joined(separator: ", ")))"
            )
            return nil
        }
        if let allow = link.allow, !allow.permits(peer) {
            refuse(
                peer,
                "connection from \(remote) closed: DTU '\(link.registrationID)' (link \(link.linkID)) may only "
                    + "register from \(allow)"
            )
            return nil
        }
        return (link, Array(packet[consumed...]))
    }

    /// The first bytes of a connection: everything until 100 ms of silence after the first byte,
    /// at most 256 bytes and 500 ms; empty when nothing came within the registration timeout.
    private func readRegistration(_ socket: Int32) -> [UInt8] {
        var packet: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        var deadline = ContinuousClock.now + settings.registrationTimeout
        while packet.count < 256 {
            let wait = packet.isEmpty ? deadline - .now : min(.milliseconds(100), deadline - .now)
            guard wait > .zero else { break }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, TCPStream.milliseconds(wait))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let count = read(socket, &buffer, 256 - packet.count)
            guard count > 0 else { return packet.isEmpty ? [] : packet }
            if packet.isEmpty { deadline = .now + .milliseconds(500) }
            packet += buffer[..<count]
        }
        return packet
    }

    /// Logs a refused connection, once per address and minute.
    private func refuse(_ peer: String, _ message: String) {
        let now = ContinuousClock.now
        let log = state.withLock { state -> Bool in
            state.refusalsLogged = state.refusalsLogged.filter { now - $0.value < .seconds(60) }
            guard state.refusalsLogged[peer] == nil else { return false }
            state.refusalsLogged[peer] = now
            return true
        }
        if log { logger.warning("DTU listener: \(message)", metadata: ["listener": "\(address)"]) }
    }

    private static func ago(_ instant: ContinuousClock.Instant) -> String {
        let seconds = Int((ContinuousClock.now - instant) / .seconds(1))
        return seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min"
    }
}

/// Writing to a connection the peer closed raises SIGPIPE, which ends the process by default.
/// libmodbus's RTU backend writes with `write()` (no MSG_NOSIGNAL): links and servers that drive it
/// over a socket ignore the signal process-wide; the write then fails with EPIPE, reported as a
/// closed connection.
func ignoreBrokenPipes() {
    _ = brokenPipesIgnored
}

private let brokenPipesIgnored: Bool = {
    signal(SIGPIPE, SIG_IGN)
    return true
}()
