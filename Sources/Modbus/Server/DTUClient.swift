import Foundation
import Glibc
public import Logging
import Synchronization

/// A DTU stand-in: connects out to a gateway's DTU listener, sends its registration packet, then
/// serves raw Modbus RTU frames on that connection (``ModbusRTUServer``) with heartbeat packets in
/// the stream. When the connection ends it connects again after a second, from a new local port,
/// as a DTU does.
public final class DTUClient: Sendable {
    private struct State {
        var session: ModbusRTUServer?
        var stopped = false
        var connections = 0
    }

    public let host: String
    public let port: Int
    public let registration: DTUBytes
    private let heartbeat: HeartbeatInjection?
    private let state = Mutex(State())
    private let handler: any ModbusRequestHandler
    private let logger: Logger

    /// Starts connecting (in the background; it retries every second until it connects).
    public init(
        host: String,
        port: Int,
        registration: DTUBytes,
        heartbeat: HeartbeatInjection?,
        handler: any ModbusRequestHandler,
        logger: Logger
    ) {
        ignoreBrokenPipes()
        self.host = host
        self.port = port
        self.registration = registration
        self.heartbeat = heartbeat
        self.handler = handler
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "dtu-client"
        thread.start()
    }

    /// Connections made so far.
    public var connections: Int { state.withLock { $0.connections } }

    /// Closes the connection and stops reconnecting. Idempotent.
    public func stop() {
        let session = state.withLock { state -> ModbusRTUServer? in
            state.stopped = true
            return state.session
        }
        session?.stop()
    }

    private func run() {
        while !state.withLock({ $0.stopped }) {
            if let session = connect() {
                let keep = state.withLock { state -> Bool in
                    state.session = session
                    state.connections += 1
                    return !state.stopped
                }
                if !keep { session.stop() }
                logger.notice(
                    "DTU connected and registered",
                    metadata: ["gateway": "\(host):\(port)", "registration": "\(registration)"]
                )
                while !session.isStopped { usleep(50_000) }
                logger.notice("DTU connection ended", metadata: ["gateway": "\(host):\(port)"])
            }
            for _ in 0..<20 where !state.withLock({ $0.stopped }) { usleep(50_000) }
        }
    }

    private func connect() -> ModbusRTUServer? {
        let socket: Int32
        do throws(StreamConnectError) {
            socket = try TCPStream.connect(host: host, port: port, timeout: .seconds(3))
        } catch {
            logger.debug("DTU cannot connect", metadata: ["gateway": "\(host):\(port)", "error": "\(error)"])
            return nil
        }
        guard TCPStream.writeAll(socket, registration.bytes[...]) else {
            close(socket)
            return nil
        }
        do throws(ModbusError) {
            return try ModbusRTUServer(
                stream: socket,
                label: "dtu-\(registration)",
                heartbeat: heartbeat,
                handler: handler,
                logger: logger
            )
        } catch {
            logger.error("cannot serve the DTU connection", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
