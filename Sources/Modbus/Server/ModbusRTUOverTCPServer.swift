import Foundation
import Glibc
public import Logging
import Synchronization

/// A serial device server stand-in: listens on TCP and serves raw Modbus RTU frames (CRC included)
/// on each connection, as a Moxa NPort or USR-TCP232 in transparent TCP-server mode carries them
/// to the RS-485 line behind it. Each connection is served by a ``ModbusRTUServer`` on its socket.
public final class ModbusRTUOverTCPServer: Sendable {
    private struct State {
        var listener: Int32
        var sessions: [ModbusRTUServer] = []
        var stopped = false
    }

    public let host: String
    /// The port listened on (the one the kernel chose, when asked for port 0).
    public let port: Int
    private let state: Mutex<State>
    private let handler: any ModbusRequestHandler
    private let logger: Logger

    /// Binds and starts serving.
    /// - Throws: ``ModbusError`` when the address cannot be bound.
    public init(host: String, port: Int, handler: any ModbusRequestHandler, logger: Logger) throws(ModbusError) {
        ignoreBrokenPipes()
        let (listener, bound) = try TCPStream.listen(host: host, port: port)
        self.host = host
        self.port = bound
        self.state = Mutex(State(listener: listener))
        self.handler = handler
        self.logger = logger
        let thread = Thread { [self] in acceptLoop(listener: listener) }
        thread.name = "rtu-tcp-accept"
        thread.start()
    }

    /// The URL a gateway links to: `rtu+tcp://HOST:PORT`.
    public var url: String { host.contains(":") ? "rtu+tcp://[\(host)]:\(port)" : "rtu+tcp://\(host):\(port)" }

    /// Stops accepting and closes every connection. Idempotent.
    public func stop() {
        let sessions = state.withLock { state -> [ModbusRTUServer] in
            guard !state.stopped else { return [] }
            state.stopped = true
            if state.listener >= 0 { shutdown(state.listener, Int32(SHUT_RDWR)) }
            return state.sessions
        }
        for session in sessions { session.stop() }
    }

    deinit { stop() }

    private func acceptLoop(listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            let acceptError = errno
            if client < 0 {
                if state.withLock({ $0.stopped }) { break }
                if acceptError == EINTR || acceptError == ECONNABORTED || acceptError == EMFILE { continue }
                logger.error("accept failed", metadata: ["errno": "\(acceptError)"])
                break
            }
            TCPStream.setNoDelay(client)
            let remote = TCPStream.peerAddress(client).map { "\($0.host):\($0.port)" } ?? "?"
            do throws(ModbusError) {
                let session = try ModbusRTUServer(
                    stream: client,
                    label: "tcp-client-\(remote)",
                    handler: handler,
                    logger: logger
                )
                let keep = state.withLock { state -> Bool in
                    state.sessions.removeAll { $0.isStopped }
                    guard !state.stopped else { return false }
                    state.sessions.append(session)
                    return true
                }
                if !keep { session.stop() }
                logger.debug("RTU over TCP client connected", metadata: ["from": "\(remote)"])
            } catch {
                logger.error("cannot serve a connection", metadata: ["error": "\(error)"])
            }
        }
        state.withLock { state in
            close(state.listener)
            state.listener = -1
        }
    }
}
