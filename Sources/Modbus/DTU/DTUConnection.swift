import Foundation
import Glibc
import Synchronization

/// One registered DTU connection and the pump between its socket and the link's libmodbus context.
///
/// libmodbus's RTU backend reads one end of a socket pair (the session end, which the link claims);
/// the pump copies the DTU's bytes to it with the heartbeat packets taken out, and the link's
/// requests back to the DTU unchanged. Framing and CRC stay libmodbus's.
///
/// Descriptors: the pump owns the DTU socket and its end of the pair and closes them when it ends;
/// the session end belongs to whoever takes it first, the link (``claim()``) or the pump at its end.
final class DTUConnection: Sendable {
    private struct State {
        var closed = false
        var lastHeartbeat: ContinuousClock.Instant?
        var heartbeats = 0
    }

    let settings: DTULinkSettings
    let remote: String
    let since = ContinuousClock.now
    private let socket: Int32
    private let pumpEnd: Int32
    private let sessionEnd: Int32
    private let taken = Atomic<Bool>(false)
    private let state = Mutex(State())

    init(settings: DTULinkSettings, remote: String, socket: Int32, pumpEnd: Int32, sessionEnd: Int32) {
        self.settings = settings
        self.remote = remote
        self.socket = socket
        self.pumpEnd = pumpEnd
        self.sessionEnd = sessionEnd
    }

    /// The session end of the socket pair, once: the caller owns it (and closes it) from now on.
    func claim() -> Int32? {
        guard !state.withLock({ $0.closed }) else { return nil }
        return taken.exchange(true, ordering: .sequentiallyConsistent) ? nil : sessionEnd
    }

    var lastHeartbeat: (ContinuousClock.Instant?, Int) {
        state.withLock { ($0.lastHeartbeat, $0.heartbeats) }
    }

    /// Ends the connection: the pump stops and the link reading the session end sees it closed.
    func stop() {
        state.withLock { state in
            guard !state.closed else { return }
            shutdown(socket, Int32(SHUT_RDWR))
            shutdown(pumpEnd, Int32(SHUT_RDWR))
        }
    }

    /// Copies bytes both ways until either side closes; runs on the connection's own thread.
    /// - Parameter leftover: bytes that arrived after the registration packet.
    func pump(leftover: [UInt8]) {
        var filter = HeartbeatFilter(pattern: settings.heartbeat?.bytes ?? [])
        TCPStream.setNonBlocking(pumpEnd)
        forward(filter.feed(leftover))
        var fds = [
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: pumpEnd, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 1024)
        loop: while true {
            // The two parts of a heartbeat split across TCP segments arrive back to back: held bytes
            // wait 3 ms at most (a reply that merely ends like a heartbeat starts pays no more).
            let ready = poll(&fds, 2, filter.held.isEmpty ? 1000 : 3)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                // Held bytes that no further input completed into a heartbeat belong to the reply.
                if !filter.held.isEmpty { forward((filter.release(), 0)) }
                continue
            }
            if fds[0].revents != 0 {
                let count = read(socket, &buffer, buffer.count)
                if count <= 0 {
                    if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    break loop
                }
                forward(filter.feed(buffer[..<count]))
            }
            if fds[1].revents != 0 {
                let count = read(pumpEnd, &buffer, buffer.count)
                if count <= 0 {
                    if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    break loop  // the link closed its context
                }
                guard TCPStream.writeAll(socket, buffer[..<count]) else { break loop }
            }
        }
        state.withLock { state in
            state.closed = true
            close(socket)
            close(pumpEnd)
        }
        if !taken.exchange(true, ordering: .sequentiallyConsistent) { close(sessionEnd) }
    }

    private func forward(_ filtered: (output: [UInt8], heartbeats: Int)) {
        if filtered.heartbeats > 0 {
            state.withLock {
                $0.lastHeartbeat = .now
                $0.heartbeats += filtered.heartbeats
            }
        }
        // Nobody reads while no link has claimed the connection: bytes beyond the pair's buffer
        // are dropped (they would be discarded as late bytes before the first request anyway).
        if !filtered.output.isEmpty { TCPStream.writeAll(pumpEnd, filtered.output[...], dropWhenFull: true) }
    }
}
