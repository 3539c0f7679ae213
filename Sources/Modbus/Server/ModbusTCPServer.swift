import CModbus
import Foundation
import Glibc
public import Logging
import Synchronization

/// A Modbus TCP server on libmodbus's server API: one thread accepts, one thread serves each client.
///
/// Every unit id is accepted on every connection; the handler decides what each unit answers.
public final class ModbusTCPServer: Sendable {
    private struct State {
        var listener: Int32
        var clients: Set<Int32> = []
        var stopped = false
    }

    /// The address the server listens on.
    public let host: String
    /// The port the server listens on (the one the kernel chose, when asked for port 0).
    public let port: Int
    private let state: Mutex<State>
    private let handler: any ModbusRequestHandler
    private let logger: Logger

    /// Binds and starts serving.
    /// - Parameters:
    ///   - host: the address to listen on, such as `127.0.0.1` or `0.0.0.0`.
    ///   - port: the port; 0 lets the kernel choose a free one (read it back from ``port``).
    ///   - handler: decides each reply.
    ///   - logger: where connections and bad frames are logged.
    /// - Throws: ``ModbusError`` when the address cannot be bound.
    public init(host: String, port: Int, handler: any ModbusRequestHandler, logger: Logger) throws(ModbusError) {
        let endpoint = TCPEndpoint(host: host, port: port).description
        guard let raw = modbus_new_tcp_pi(host, String(port)) else {
            throw ModbusError(.system(errno, "cannot create a TCP context"), endpoint: endpoint)
        }
        // The listening context only opens the socket; the descriptor outlives it.
        let context = ModbusContext(raw: raw, closesOnRelease: false)
        let listener: Int32
        do throws(SystemCallError) {
            listener = try modbusCall { modbus_tcp_pi_listen(context.raw, 32) }
        } catch {
            throw ModbusError(.cannotOpen("cannot listen: \(error.text)"), endpoint: endpoint)
        }
        self.host = host
        self.port = TCPStream.boundPort(of: listener) ?? port
        self.state = Mutex(State(listener: listener))
        self.handler = handler
        self.logger = logger
        let thread = Thread { [self] in acceptLoop(listener: listener) }
        thread.name = "modbus-accept"
        thread.start()
    }

    /// The URL clients connect to.
    public var endpoint: TCPEndpoint { TCPEndpoint(host: host, port: port) }

    /// Stops accepting and closes every client connection. Idempotent.
    public func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            // Only a descriptor still ours: a closed one's number may already belong to another socket.
            if state.listener >= 0 { shutdown(state.listener, Int32(SHUT_RDWR)) }
            for client in state.clients { shutdown(client, Int32(SHUT_RDWR)) }
        }
    }

    deinit { stop() }

    private func acceptLoop(listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            let acceptError = errno
            let keepGoing = state.withLock { state -> Bool in
                if state.stopped {
                    if client >= 0 { close(client) }
                    return false
                }
                if client >= 0 { state.clients.insert(client) }
                return true
            }
            guard keepGoing else { break }
            guard client >= 0 else {
                if acceptError == EINTR || acceptError == ECONNABORTED || acceptError == EMFILE { continue }
                logger.error("accept failed", metadata: ["errno": "\(acceptError)"])
                break
            }
            let thread = Thread { [self] in serve(client: client) }
            thread.name = "modbus-client"
            thread.start()
        }
        state.withLock { state in
            close(state.listener)
            state.listener = -1
        }
    }

    private func serve(client: Int32) {
        guard let raw = modbus_new_tcp_pi(host, String(port)) else {
            unregister(client)
            close(client)
            return
        }
        modbus_set_socket(raw, client)
        let session = ServerSession(context: ModbusContext(raw: raw, closesOnRelease: false), handler: handler)
        logger.debug("client connected", metadata: ["fd": "\(client)"])
        loop: while true {
            switch session.serveOne() {
            case .served: continue
            case .badFrame(let error):
                logger.notice("bad request frame, closing the connection", metadata: ["error": "\(error.text)"])
                // A TCP stream out of step cannot be resynchronised: drop the connection.
                if error.code != ETIMEDOUT { break loop }
            case .closed: break loop
            }
        }
        unregister(client)
        close(client)
    }

    private func unregister(_ client: Int32) {
        state.withLock { _ = $0.clients.remove(client) }
    }
}
