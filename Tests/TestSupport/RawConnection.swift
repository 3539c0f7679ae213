import Glibc

/// A bare TCP connection to 127.0.0.1, for tests that play a slow or silent HTTP client: it
/// connects without blocking, sends what it is told and reports whether the server closed it.
public final class RawConnection: @unchecked Sendable {
    // @unchecked: the descriptor is only used by the test that owns the connection.
    public let descriptor: Int32

    /// `POLLRDHUP` (Linux): the peer closed its end. Glibc declares it only under `_GNU_SOURCE`.
    private static let peerHangUp: Int16 = 0x2000

    /// Starts connecting to `port` on 127.0.0.1 (non-blocking: the connection may still be in progress).
    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 || errno == EINPROGRESS else {
            let text = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw TestFailure("connect to 127.0.0.1:\(port): \(text)")
        }
    }

    deinit { Glibc.close(descriptor) }

    /// Whether the connection is established (not still waiting in the server's backlog of SYNs).
    public var isConnected: Bool {
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        return poll(&pollDescriptor, 1, 0) == 1 && pollDescriptor.revents & Int16(POLLOUT) != 0
    }

    /// Sends `text` if the socket takes it now; false when it cannot (not connected yet, or closed).
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer in
            Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        } == bytes.count
    }

    /// What the server sent so far (without waiting), or nil when nothing is there.
    public func received() -> String? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Whether the server closed the connection (end of stream or reset), looking without waiting.
    public var isClosedByPeer: Bool {
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN) | Self.peerHangUp, revents: 0)
        guard poll(&pollDescriptor, 1, 0) == 1 else { return false }
        if pollDescriptor.revents & (Self.peerHangUp | Int16(POLLHUP) | Int16(POLLERR)) != 0 { return true }
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// Waits until the server closes the connection; false when `timeout` passes first.
    public func waitUntilClosed(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if isClosedByPeer { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return isClosedByPeer
    }
}
