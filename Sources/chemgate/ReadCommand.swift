public import ArgumentParser
public import Modbus

/// `chemgate read`: one read from a live device, printed register by register.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read registers or bits from a device once and print them (in the spirit of mbpoll).",
        discussion: """
            Prints each item's 0-based protocol address, raw hex and value (registers as unsigned and \
            signed 16-bit). Nothing is ever written.

            Examples:
              chemgate read tcp://10.0.0.5:502 --unit 1 --table holding --address 0 --count 10
              chemgate read 'rtu:///dev/ttyUSB0?baud=9600&parity=N' --unit 3 --table input --count 2

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: "Endpoint URL: tcp://HOST:PORT or rtu:///dev/ttyX?baud=9600&parity=E&data=8&stop=1.")
    var endpoint: String

    @Option(help: "Unit id (slave address): 1–247 on RTU, 0–255 on TCP.")
    var unit: UInt8 = 1

    @Option(help: "Table: holding, input, coil or discrete.")
    var table: ModbusTable = .holding

    @Option(help: "First 0-based protocol address (register 40001 is address 0).")
    var address: UInt16 = 0

    @Option(help: "How many registers (at most 125) or bits (at most 2000).")
    var count: Int = 1

    @Option(help: "Response timeout in milliseconds.")
    var timeout: Int = 500

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 ms") }
        do throws(ModbusError) {
            _ = try ModbusEndpoint(url: endpoint)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "chemgate.read")
        let link: ModbusLink
        do throws(ModbusError) {
            let options = ModbusLinkOptions(
                responseTimeout: .milliseconds(timeout),
                byteTimeout: .milliseconds(timeout)
            )
            link = ModbusLink(endpoint: try ModbusEndpoint(url: endpoint), options: options, logger: logger)
        } catch {
            throw ValidationError(error.description)
        }
        do throws(ModbusError) {
            let start = ContinuousClock.now
            let data = try await link.read(table, unit: unit, address: address, count: count)
            let elapsed = ContinuousClock.now - start
            Console.out(
                ReadReport(
                    endpoint: link.endpoint,
                    unit: unit,
                    table: table,
                    address: address,
                    data: data,
                    elapsed: elapsed
                ).text
            )
        } catch {
            Console.error("error: \(error)")
            if let hint = error.hint { Console.error("hint: \(hint)") }
            throw ExitStatus(error).exitCode
        }
    }
}

extension ModbusTable: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
