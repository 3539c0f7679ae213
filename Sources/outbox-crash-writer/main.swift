// Appends readings to a DurableLog in a loop and prints `committed <first> <last>` after each append
// returns, for the SIGKILL test: every range printed must be in the database after the kill. With
// SEGMENT_ROWS, the log starts a new segment every SEGMENT_ROWS sequence numbers (the kill may land
// in a roll-over).
import Foundation
import GatewayCore
import Outbox

guard (2...3).contains(CommandLine.arguments.count),
    CommandLine.arguments.count == 2 || Int(CommandLine.arguments[2]) != nil
else {
    FileHandle.standardError.write(Data("usage: outbox-crash-writer DATABASE [SEGMENT_ROWS]\n".utf8))
    exit(2)
}
let segmentRows = CommandLine.arguments.count == 3 ? Int(CommandLine.arguments[2]) : nil
let log = try DurableLog(path: CommandLine.arguments[1], options: LogOptions(segmentRows: segmentRows))
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
