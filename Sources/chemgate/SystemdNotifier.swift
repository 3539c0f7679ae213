import Glibc

/// systemd's service notification protocol (sd_notify(3)) without libsystemd: one datagram per
/// state change to the socket named by `NOTIFY_SOCKET` (a path, or `@name` in the abstract
/// namespace). With `Type=notify` in the unit, systemd waits for `READY=1` before it counts the
/// gateway as started, and restarts it when `WATCHDOG=1` stops arriving within `WatchdogSec`.
struct SystemdNotifier: Sendable {
    /// The socket's address bytes (a leading NUL for the abstract namespace).
    private let address: [UInt8]
    /// How often to ping the watchdog: half of `WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises;
    /// nil when systemd asks for no watchdog (or asks another process).
    let watchdogInterval: Duration?

    /// The notifier systemd set up for this process, or nil when not started by systemd with
    /// `Type=notify` (then every notification is skipped).
    init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        var bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return nil }
        if bytes[0] == UInt8(ascii: "@") {
            bytes[0] = 0
        } else if bytes[0] != UInt8(ascii: "/") {
            return nil
        }
        address = bytes
        let forThisProcess = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forThisProcess, let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            watchdogInterval = .microseconds(microseconds / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends one notification, such as `READY=1` or `STOPPING=1`; false when it could not be sent
    /// (systemd is then not listening: nothing else to do).
    @discardableResult
    func send(_ state: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: address) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + address.count)
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketPointer in
                sendto(descriptor, message, message.count, Int32(MSG_NOSIGNAL), socketPointer, length)
            }
        }
        return sent == message.count
    }
}
