import ArgumentParser
import Decoding
import Modbus
import Testing

@testable import chemgate

@Suite("Command-line parsing")
struct ArgumentParsingTests {
    @Test func readTakesEveryOption() throws {
        let command = try ReadCommand.parse([
            "tcp://10.0.0.5:502", "--unit", "3", "--table", "input", "--address", "100", "--count", "10", "--timeout",
            "250",
        ])
        #expect(command.endpoint == "tcp://10.0.0.5:502")
        #expect(command.unit == 3)
        #expect(command.table == .input)
        #expect(command.address == 100)
        #expect(command.count == 10)
        #expect(command.timeout == 250)
    }

    @Test func readDefaultsToOneHoldingRegisterOfUnit1() throws {
        let command = try ReadCommand.parse(["rtu:///dev/ttyUSB0"])
        #expect(command.unit == 1)
        #expect(command.table == .holding)
        #expect(command.address == 0)
        #expect(command.count == nil, "one register, or as many as --type needs")
        #expect(command.timeout == 500)
    }

    @Test func readRefusesABaudRateLibmodbusWouldReplace() {
        let error = #expect(throws: (any Error).self) { try ReadCommand.parse(["rtu:///dev/ttyUSB0?baud=14400"]) }
        let message = ReadCommand.message(for: error!)
        #expect(message.contains("baud rate 14400 is not supported: libmodbus 3.1.6 would silently use 9600"))
    }

    @Test func readTypeSetsTheRegisterCount() throws {
        let command = try ReadCommand.parse(["tcp://plc", "--type", "float64", "--order", "GHEFCDAB"])
        #expect(command.type?.dataType.registerCount == 4)
        #expect(throws: (any Error).self) { try ReadCommand.parse(["tcp://plc", "--type", "float32", "--count", "3"]) }
        #expect(throws: (any Error).self) {
            try ReadCommand.parse(["tcp://plc", "--type", "float32", "--order", "ACBD"])
        }
        #expect(throws: (any Error).self) { try ReadCommand.parse(["tcp://plc", "--type", "bit:16"]) }
        #expect(try ReadCommand.parse(["tcp://plc", "--type", "string:8"]).type?.dataType == .string(registers: 8))
    }

    @Test func readRefusesAnUnknownTable() {
        #expect(throws: (any Error).self) { try ReadCommand.parse(["tcp://plc", "--table", "registers"]) }
    }

    @Test func simulateParsesUnitsAndFaults() throws {
        let command = try SimulateCommand.parse([
            "--tcp", "0.0.0.0:1502", "--units", "1,3-5", "--fault", "3:no-reply", "--fault", "4:delay=50ms",
        ])
        #expect(command.tcp == "0.0.0.0:1502")
        #expect(command.units == "1,3-5")
        #expect(command.faults == ["3:no-reply", "4:delay=50ms"])
    }

    @Test(
        "simulate refuses bad options",
        arguments: [
            ["--units", "5-1"], ["--units", "x"], ["--fault", "1:melt"], ["--tcp", "localhost:99999"],
            ["--rtu", "dev/ttyS0"],
        ]
    )
    func simulateRefuses(arguments: [String]) {
        #expect(throws: (any Error).self) { try SimulateCommand.parse(arguments) }
    }
}
