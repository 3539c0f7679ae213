import ArgumentParser
import CMallocTuning
import GatewayCore

@main
enum ChemgateMain {
    /// Caps glibc's malloc arenas at two before the first task runs, then parses and runs the command
    /// on the cooperative pool while the main thread waits for it.
    ///
    /// The arena cap: glibc gives each new thread an arena of its own on its first allocation while it
    /// is under the cap, and keeps the arenas: set in `chemgate run` (on a thread of the cooperative
    /// pool, after the signal handlers' thread), the cap came after four arenas besides the main one
    /// existed. MALLOC_ARENA_MAX in the environment overrides it.
    ///
    /// The wait (``DetachedMain``): an `async` main would end the main thread in `dispatch_main()`,
    /// whose unwinding keeps about 1 MB of unwind tables resident; nothing in chemgate runs on the
    /// main queue.
    static func main() {
        _ = chemgate_cap_malloc_arenas(2)
        DetachedMain.run { await Chemgate.main(nil) }
    }
}

struct Chemgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chemgate",
        abstract: "Modbus RTU/TCP gateway for chemical-plant safety monitoring.",
        discussion: """
            Endpoints are URLs:
              tcp://HOST[:PORT]                 Modbus TCP (port 502 when omitted; IPv6 as tcp://[::1]:502)
              rtu://DEVICE[?baud=B&parity=P&data=D&stop=S]
                                                Modbus RTU on a serial device, e.g.
                                                rtu:///dev/ttyUSB0?baud=9600&parity=E&data=8&stop=1
                                                (defaults: 9600 baud, even parity, 8 data bits, 1 stop bit)

            \(ExitStatus.helpText)
            """,
        version: Chemgate.versionText,
        subcommands: [
            RunCommand.self, CheckCommand.self, StatusCommand.self, ReloadCommand.self, HistoryCommand.self,
            DeadLettersCommand.self,
            ReadCommand.self,
            SimulateCommand.self,
            ReceiveCommand.self,
            PreviewPayloadCommand.self,
            CatalogueCommand.self,
        ]
    )

    static let version = "0.4.0"
}
