import ArgumentParser

@main
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
