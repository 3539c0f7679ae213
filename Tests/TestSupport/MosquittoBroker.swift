public import Foundation
import Synchronization

/// A real mosquitto broker (`/usr/sbin/mosquitto`) on a free loopback port, with a config written by
/// the test: persistence on (saved after every change, so a SIGKILL loses nothing it acknowledged),
/// optionally a password file and a TLS listener. ``kill()`` and ``start()`` again keep the port and
/// the persistence folder: the broker comes back with its sessions and queued messages.
public final class MosquittoBroker: Sendable {
    public let port: Int
    public let directory: URL
    private let process = Mutex<ChildProcess?>(nil)

    /// TLS: the broker's certificate and key and the CA it trusts for client certificates (if any).
    public struct TLS: Sendable {
        public var certificateFile: String
        public var keyFile: String
        public var caFile: String
        public var requireClientCertificate: Bool

        public init(certificateFile: String, keyFile: String, caFile: String, requireClientCertificate: Bool = false) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.caFile = caFile
            self.requireClientCertificate = requireClientCertificate
        }
    }

    /// Writes the config and starts the broker.
    /// - Parameters:
    ///   - users: user names and passwords; when given, anonymous clients are refused.
    ///   - durable: save the persistence file after every change (tests); false keeps it in memory
    ///     only (benchmarks: saving after every change would measure the disk, not the clients).
    public init(users: [String: String] = [:], tls: TLS? = nil, durable: Bool = true) async throws {
        port = try Tools.freePort()
        directory = try Tools.temporaryDirectory()
        var lines = [
            "listener \(port) 127.0.0.1",
            // Run as whoever runs the tests: mosquitto started as root would become user mosquitto and
            // could not write its persistence file nor read the test's keys.
            "user \(Self.userName)",
            "max_queued_messages 100000",
            "max_inflight_messages 1000",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
        ]
        if durable {
            lines += [
                "persistence true", "persistence_location \(directory.path)/", "autosave_interval 1",
                "autosave_on_changes true",
            ]
        }
        if users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            let file = directory.appendingPathComponent("passwords").path
            try "".write(toFile: file, atomically: true, encoding: .utf8)
            for (user, password) in users {
                let (status, output) = try await ChildProcess.run(
                    try Tools.path(of: "mosquitto_passwd"),
                    ["-b", file, user, password]
                )
                guard status == 0 else { throw TestFailure("mosquitto_passwd failed: \(output)") }
            }
            lines += ["allow_anonymous false", "password_file \(file)"]
        }
        if let tls {
            lines += ["certfile \(tls.certificateFile)", "keyfile \(tls.keyFile)", "cafile \(tls.caFile)"]
            if tls.requireClientCertificate { lines.append("require_certificate true") }
        }
        try lines.joined(separator: "\n").appending("\n")
            .write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
        try await start()
    }

    deinit { kill() }

    private static var userName: String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }

    /// `mqtt://127.0.0.1:PORT` (or `mqtts://` for a TLS broker).
    public func url(tls: Bool = false) -> String { "\(tls ? "mqtts" : "mqtt")://127.0.0.1:\(port)" }

    /// Starts the broker (again) and waits until it listens.
    public func start() async throws {
        let child = try ChildProcess(
            "/usr/sbin/mosquitto",
            ["-c", directory.appendingPathComponent("mosquitto.conf").path]
        )
        process.withLock { $0 = child }
        try await child.waitForLine(containing: "running")
    }

    /// Kills the broker with SIGKILL (no goodbye, no final save), without waiting.
    public func kill() {
        let child = process.withLock { process in
            defer { process = nil }
            return process
        }
        child?.signal(SIGKILL)
    }

    /// Kills the broker with SIGKILL and waits until it is gone (its port free for ``start()``).
    public func killAndWait() async throws {
        let child = process.withLock { process in
            defer { process = nil }
            return process
        }
        child?.signal(SIGKILL)
        _ = try await child?.waitForExit()
    }

    /// What the broker printed.
    public var output: String { process.withLock { $0?.text ?? "" } }
}
