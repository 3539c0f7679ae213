import Foundation
import Glibc
import Testing

@testable import chemgate

@Suite("systemd notifications (sd_notify protocol)")
struct SystemdNotifierTests {
    @Test func sendsToAPathSocket() throws {
        let path = NSTemporaryDirectory() + "chemgate-notify-\(UUID().uuidString.prefix(8))"
        let socket = try DatagramSocket(binding: path)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        #expect(notifier.send("READY=1\nSTATUS=polling 3 links"))
        #expect(try socket.receive() == "READY=1\nSTATUS=polling 3 links")
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "chemgate-notify-\(UUID().uuidString.prefix(8))"
        let socket = try DatagramSocket(binding: "@" + name)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@" + name]))
        #expect(notifier.send("STOPPING=1"))
        #expect(try socket.receive() == "STOPPING=1")
    }

    @Test func watchdogPingsAtHalfTheInterval() throws {
        let notifier = try #require(
            SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"])
        )
        #expect(notifier.watchdogInterval == .seconds(15))
        let own = try #require(
            SystemdNotifier(environment: [
                "NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid()),
            ])
        )
        #expect(own.watchdogInterval == .seconds(15))
        let other = try #require(
            SystemdNotifier(environment: [
                "NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid() + 1),
            ])
        )
        #expect(other.watchdogInterval == nil, "the watchdog is another process's")
    }

    @Test func absentOrUnusableSocketMeansNoNotifier() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]) == nil)
    }

    @Test func sendingWithNobodyListeningFailsQuietly() throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify"]))
        #expect(!notifier.send("READY=1"))
    }
}

/// A bound Unix datagram socket standing in for systemd's notification socket.
final class DatagramSocket {
    private let descriptor: Int32
    private let path: String?

    /// Binds `address`: a path, or `@name` in the abstract namespace.
    init(binding address: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var bytes = Array(address.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        path = address.hasPrefix("@") ? nil : address
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard result == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        if let path { chmod(path, 0o777) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }

    /// The next datagram as text (waits up to 5 s).
    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
