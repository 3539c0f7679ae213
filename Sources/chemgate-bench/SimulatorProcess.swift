import Foundation
import Modbus
import TestSupport

/// `chemgate simulate --tcp 127.0.0.1:0` as a child process, and the endpoint it listens on.
struct SimulatorProcess {
    let child: ChildProcess
    let endpoint: TCPEndpoint

    static func start(_ arguments: [String] = ["--units", "1"]) async throws -> SimulatorProcess {
        let child = try ChildProcess(try Binaries.path("chemgate"), ["simulate", "--tcp", "127.0.0.1:0"] + arguments)
        let line = try await child.waitForLine(containing: "listening on tcp://")
        let address = line.split(separator: " ")[2]
        guard case .tcp(let endpoint) = try ModbusEndpoint(url: String(address)) else {
            throw BenchFailure("cannot read the simulator's endpoint from '\(line)'")
        }
        return SimulatorProcess(child: child, endpoint: endpoint)
    }
}
