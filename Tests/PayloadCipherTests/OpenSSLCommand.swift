import Foundation

/// The `openssl` command-line tool: an implementation outside this package to compare against.
enum OpenSSLCommand {
    /// Runs `openssl` with `arguments`, feeding `input` on stdin; returns stdout.
    static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailure(arguments: arguments, status: process.terminationStatus)
        }
        return Array(output)
    }
}

struct OpenSSLFailure: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var description: String { "openssl \(arguments.joined(separator: " ")) exited \(status)" }
}
