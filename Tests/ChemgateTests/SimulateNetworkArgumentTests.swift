import ArgumentParser
import Testing

@testable import chemgate

/// `chemgate simulate --rtu-tcp` and `--dtu`: what the serial device server and DTU stand-ins accept.
@Suite("chemgate simulate: serial device server and DTU options")
struct SimulateNetworkArgumentTests {
    @Test func parsesADTUWithItsPackets() throws {
        let command = try SimulateCommand.parse([
            "--dtu", "127.0.0.1:9502", "--registration", "hex:0860AB", "--heartbeat", "HB", "--every", "500ms",
            "--heartbeat-in-replies", "--units", "3",
        ])
        #expect(command.dtu == "127.0.0.1:9502" && command.registration == "hex:0860AB")
        #expect(command.heartbeat == "HB" && command.heartbeatInReplies)
        #expect(SimulateCommand.parseDuration("500ms") == .milliseconds(500))
        #expect(SimulateCommand.parseDuration("30s") == .seconds(30))
        #expect(SimulateCommand.parseDuration("2m") == .seconds(120))
        #expect(SimulateCommand.parseDuration("0s") == nil)
        #expect(try SimulateCommand.parse(["--rtu-tcp", "127.0.0.1:4001"]).rtuTCP == "127.0.0.1:4001")
    }

    @Test(
        "refuses what a DTU stand-in cannot do",
        arguments: [
            ["--dtu", "127.0.0.1:9502"],  // no registration
            ["--registration", "ST7"],  // no --dtu
            ["--dtu", "127.0.0.1:9502", "--registration", "ST7", "--every", "30s"],  // no heartbeat
            ["--dtu", "127.0.0.1:9502", "--registration", "ST7", "--heartbeat", "HB", "--every", "soon"],
            ["--dtu", "127.0.0.1:9502", "--registration", "hex:0G"],
            ["--rtu-tcp", "127.0.0.1:99999"],
        ]
    )
    func refuses(arguments: [String]) {
        #expect(throws: (any Error).self) { try SimulateCommand.parse(arguments) }
    }
}
