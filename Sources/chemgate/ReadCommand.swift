public import ArgumentParser
import Decoding
public import Modbus

/// `chemgate read`: one read from a live device, printed register by register.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read registers or bits from a device once and print them (in the spirit of mbpoll).",
        discussion: """
            Prints each item's 0-based protocol address, raw hex and value (registers as unsigned and \
            signed 16-bit). Nothing is ever written.

            --type decodes what was read (the dry run when a manual's byte order is unclear); \
            --order all shows every byte order side by side. --map reads and decodes every point of a \
            device map once.

            Examples:
              chemgate read tcp://10.0.0.5:502 --unit 1 --table holding --address 0 --count 10
              chemgate read 'rtu:///dev/ttyUSB0?baud=9600&parity=N' --unit 3 --table input --count 2
              chemgate read tcp://10.0.0.5:502 --address 2 --type float32 --order all
              chemgate read tcp://10.0.0.5:502 --map Devices/honeywell/midas.yaml --unit 1

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

    @Option(help: "How many registers (at most 125) or bits (at most 2000); with --type, the type's size.")
    var count: Int?

    @Option(
        help:
            "Decode as: int16, uint16, int32, uint32, int64, uint64, float32, float64, bcd16, bcd32, bool, bit:N, bits:LO-HI, string:N."
    )
    var type: DecodeType?

    @Option(help: "Byte order for --type: ABCD, BADC, CDAB, DCBA (64-bit: ABCDEFGH …), AB/BA for 16-bit, or 'all'.")
    var order: String?

    @Option(help: "Read and decode every point of this device map (the unit is --unit).")
    var map: String?

    @Option(help: "Response timeout in milliseconds.")
    var timeout: Int = 500

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 ms") }
        if let order, order.lowercased() != "all", ByteOrder(name: order) == nil {
            throw ValidationError(
                "--order '\(order)': allowed ABCD, BADC, CDAB, DCBA, ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA, AB, BA or all"
            )
        }
        if order != nil, type == nil { throw ValidationError("--order needs --type") }
        if map != nil, type != nil || count != nil {
            throw ValidationError("--map reads the points of the map: leave out --type and --count")
        }
        if let type, let count, !table.holdsBits, count != type.dataType.registerCount {
            throw ValidationError(
                "--type \(type.dataType) spans \(type.dataType.registerCount) registers; leave out --count or set it to that"
            )
        }
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
        if let map {
            try await MapReadReport.run(mapPath: map, unit: unit, link: link)
            return
        }
        let itemCount = count ?? (table.holdsBits ? 1 : type?.dataType.registerCount ?? 1)
        do throws(ModbusError) {
            let start = ContinuousClock.now
            let data = try await link.read(table, unit: unit, address: address, count: itemCount)
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
            if let type { Console.out(DecodePreview(type: type.dataType, order: order, data: data).text) }
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
