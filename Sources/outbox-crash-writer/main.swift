// Appends readings to a DurableLog in a loop and prints `committed <first> <last>` after each append
// returns, for the SIGKILL test: every range printed must be in the database after the kill.
import Foundation
import GatewayCore
import Outbox

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: outbox-crash-writer DATABASE\n".utf8))
    exit(2)
}
let log = try DurableLog(path: CommandLine.arguments[1])
var counter: UInt64 = 0
while true {
    let readings = (0..<10).map { index in
        counter += 1
        return Reading(
            gateway: "gw",
            device: "dev\(index)",
            point: "p",
            value: .number(Double(counter)),
            quality: .good,
            timestamp: .now(),
            sequence: counter
        )
    }
    if let range = try await log.append(readings) {
        FileHandle.standardOutput.write(Data("committed \(range.lowerBound) \(range.upperBound)\n".utf8))
    }
}
