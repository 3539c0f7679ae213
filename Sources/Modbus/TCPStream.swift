import CModbus
import Glibc

/// Plain TCP sockets for links and servers whose Modbus framing is RTU (libmodbus's RTU backend
/// driven over a socket): connecting with a timeout, and socket options.
enum TCPStream {
    /// Connects to `host:port` within `timeout` and returns the connected, blocking socket.
    /// - Throws: ``SystemCallError`` with ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH …; a host that does
    ///   not resolve gives ``ResolutionError`` through `resolutionFailed`.
    static func connect(host: String, port: Int, timeout: Duration) throws(StreamConnectError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .resolution(String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = SystemCallError(code: ECONNREFUSED)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(
                info.pointee.ai_family,
                info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                info.pointee.ai_protocol
            )
            guard fd >= 0 else {
                lastError = .capture()
                continue
            }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                if let error = waitForConnect(fd, timeout: timeout) {
                    lastError = error
                    close(fd)
                    continue
                }
                setBlocking(fd)
                setNoDelay(fd)
                return fd
            }
            lastError = .capture()
            close(fd)
        }
        throw .system(lastError)
    }

    /// Waits until a non-blocking connect finishes; nil when it succeeded.
    private static func waitForConnect(_ fd: Int32, timeout: Duration) -> SystemCallError? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - .now
            guard left > .zero else { return SystemCallError(code: ETIMEDOUT) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds(left))
            if ready < 0 {
                if errno == EINTR { continue }
                return .capture()
            }
            guard ready > 0 else { continue }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return .capture() }
            return code == 0 ? nil : SystemCallError(code: code)
        }
    }

    static func setBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Sends each small RTU frame at once instead of waiting to coalesce it (Nagle).
    static func setNoDelay(_ fd: Int32) {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Milliseconds for `poll`, rounded up, at least 1.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let value = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(value, 1))
    }

    /// Writes all of `bytes`, resuming after EINTR; false when the descriptor is broken or, if
    /// `dropWhenFull`, when it would block.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, dropWhenFull: Bool = false) -> Bool {
        var written = 0
        let count = bytes.count
        while written < count {
            let result = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    if dropWhenFull { return false }
                    var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&descriptor, 1, 100)
                    continue
                }
                return false
            }
            written += result
        }
        return true
    }

    /// The peer's address as `IP:PORT` (`[IPv6]:PORT`), or nil.
    static func peerAddress(_ fd: Int32) -> (host: String, port: Int)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                    return (Self.text(text), Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
                    var host = Self.text(text)
                    if host.hasPrefix("::ffff:"), host.contains(".") { host.removeFirst("::ffff:".count) }
                    return (host, Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
        default:
            return nil
        }
    }

    /// The text of a NUL-terminated C buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A listening socket bound by libmodbus (`modbus_tcp_pi_listen`), with the port the kernel chose.
    static func listen(host: String, port: Int, backlog: Int32 = 32) throws(ModbusError) -> (fd: Int32, port: Int) {
        let endpoint = TCPEndpoint(host: host, port: port).description
        guard let raw = modbus_new_tcp_pi(host, String(port)) else {
            throw ModbusError(.system(errno, "cannot create a TCP context"), endpoint: endpoint)
        }
        // The listening context only opens the socket; the descriptor outlives it.
        let context = ModbusContext(raw: raw, closesOnRelease: false)
        let listener: Int32
        do throws(SystemCallError) {
            listener = try modbusCall { modbus_tcp_pi_listen(context.raw, backlog) }
        } catch {
            throw ModbusError(.cannotOpen("cannot listen on \(host):\(port): \(error.text)"), endpoint: endpoint)
        }
        return (listener, boundPort(of: listener) ?? port)
    }

    static func boundPort(of socket: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard result == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        default:
            return nil
        }
    }
}

/// Why a TCP connection for RTU frames could not be made.
enum StreamConnectError: Error {
    case resolution(String)
    case system(SystemCallError)
}
