import ArgumentParser

/// `chemgate-bench`: chemgate's figures beside references measured in the same run (BENCHMARKS.md).
@main
struct ChemgateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chemgate-bench",
        abstract: "Measure chemgate beside its references; one figure per line, with ratio, target and PASS/MISS.",
        discussion: """
            Build first: swift build -c release --product chemgate --product modbus-loop-reference \
            --product mqtt-loop-reference --product stack-floor-reference (make bench does). Each line: scenario, figure, reference, ratio, target, PASS or MISS.
            """,
        subcommands: [
            LinkScenario.self, RTUScenario.self, ScaleScenario.self, PlannerScenario.self, LogScenario.self,
            DrainScenario.self, MemoryScenario.self, SoakScenario.self, ProfileScenario.self, MQTTScenario.self,
            AllScenarios.self,
        ]
    )
}

/// Every scenario, one after the other.
struct AllScenarios: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Run every scenario.")

    @OptionGroup var options: BenchOptions

    @Option(help: "Minutes of the soak (default 60; 0.25 with --quick).")
    var soakMinutes: Double?

    func run() async throws {
        // Each scenario parses the shared options, so its own options keep their defaults.
        var arguments: [String] = options.quick ? ["--quick"] : []
        if let seconds = options.seconds { arguments += ["--seconds", String(seconds)] }
        try await PlannerScenario.parse(arguments).run()
        try await LinkScenario.parse(arguments).run()
        try await RTUScenario.parse(arguments).run()
        try await LogScenario.parse(arguments).run()
        try await DrainScenario.parse(arguments).run()
        try await MemoryScenario.parse(arguments).run()
        try await ProfileScenario.parse(arguments).run()
        try await MQTTScenario.parse(arguments).run()
        try await ScaleScenario.parse(arguments).run()
        // The 100,000-point target: 10 % of values changing, a snapshot every 60 s.
        if !options.quick {
            try await ScaleScenario.parse(
                arguments + ["--config", "1000x100@1s", "--change-fraction", "0.1", "--snapshot", "60s"]
            ).run()
        }
        // The soak last: an hour unless --quick (a quarter of a minute).
        try await SoakScenario.parse(arguments + (soakMinutes.map { ["--minutes", String($0)] } ?? [])).run()
    }
}
