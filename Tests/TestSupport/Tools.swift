public import Foundation

/// Finds the programs the tests run: system tools from PATH and the chemgate binary just built.
public enum Tools {
    /// The absolute path of `name`: itself when it contains a slash, else the first match in PATH.
    /// - Throws: `TestFailure` naming the tool and how to install it (`make deps`).
    public static func path(of name: String) throws -> String {
        if name.contains("/") { return name }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure("'\(name)' is not installed: run 'make deps' (scripts/install-deps.sh) first")
    }

    /// The chemgate executable built next to the test bundle, or `$CHEMGATE_BIN`.
    public static func chemgate() throws -> String {
        if let path = ProcessInfo.processInfo.environment["CHEMGATE_BIN"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("chemgate").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/chemgate"
        if FileManager.default.isExecutableFile(atPath: fallback) { return fallback }
        throw TestFailure(
            "the chemgate binary was not found next to \(bundle.path): run 'swift build' before 'swift test' (make test does)"
        )
    }

    /// The repository's root folder (where Package.swift is).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A new, empty temporary folder, inside the process's own (``processDirectory``), which goes when
    /// the process exits: each test's folder used to stay in /tmp (3,058 folders, 1 GB, after a day of
    /// test runs on one machine).
    public static func temporaryDirectory() throws -> URL {
        let url = processDirectory.appendingPathComponent("chemgate-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `chemgate-tests-PID` in the system's temporary folder, removed with everything in it when the
    /// process exits, unless `CHEMGATE_KEEP_TEST_FILES` is set (to look at a failed test's files).
    /// A process killed before it exits leaves it behind.
    public static let processDirectory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chemgate-tests-\(getpid())")
        if ProcessInfo.processInfo.environment["CHEMGATE_KEEP_TEST_FILES"] == nil {
            // Left by an earlier process with the same id (ids are reused): not this one's.
            try? FileManager.default.removeItem(at: url)
            atexit { try? FileManager.default.removeItem(at: Tools.processDirectory) }
        }
        return url
    }()

    /// A TCP port that was free a moment ago on 127.0.0.1.
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer -> Bool in
                bind(socket, sockaddrPointer, length) == 0 && getsockname(socket, sockaddrPointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
