import Foundation
import Synchronization

/// A real child process for tests (the simulator, socat, pymodbus, mbpoll), with its output
/// collected line by line. Killed when released.
public final class ChildProcess: Sendable {
    private let process: Process
    private let output = OutputBuffer()

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`, and with
    /// `environment` added to this process's environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Tools.path(of: executable))
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            output.append(data)
        }
        try process.run()
    }

    deinit {
        // SIGKILL: some servers (pymodbus) ignore SIGTERM, and a test must never hang on cleanup.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything the process wrote to standard output and standard error so far.
    public var text: String { output.text }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    public var isRunning: Bool { process.isRunning }

    /// Waits until the output contains `fragment`, and returns the first line that does.
    /// - Throws: `TestFailure` with the output so far, when `timeout` passes first or the process exits.
    @discardableResult
    public func waitForLine(containing fragment: String, timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = text.split(separator: "\n").first(where: { $0.contains(fragment) }) { return String(line) }
            if !process.isRunning {
                try await Task.sleep(for: .milliseconds(50))
                if let line = text.split(separator: "\n").first(where: { $0.contains(fragment) }) {
                    return String(line)
                }
                throw TestFailure(
                    "\(process.executableURL?.lastPathComponent ?? "process") exited (\(process.terminationStatus)) before printing '\(fragment)'; output:\n\(text)"
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no line containing '\(fragment)' within \(timeout); output:\n\(text)")
    }

    /// Sends a signal (SIGKILL, SIGTERM, …).
    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to exit and returns its exit status (or terminating signal).
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw TestFailure("process still running after \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Runs a command to completion and returns its exit status and output.
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws
        -> (status: Int32, output: String)
    {
        let child = try ChildProcess(executable, arguments)
        let status = try await child.waitForExit(timeout: timeout)
        try await Task.sleep(for: .milliseconds(30))  // let the last output arrive
        return (status, child.text)
    }
}

/// A test precondition that failed, with the details needed to see why.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Output collected from a pipe on Foundation's reading thread.
private final class OutputBuffer: Sendable {
    private let storage = Mutex<String>("")

    func append(_ data: Data) { storage.withLock { $0 += String(decoding: data, as: UTF8.self) } }

    var text: String { storage.withLock { $0 } }
}
