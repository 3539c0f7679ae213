import ArgumentParser

/// `chemgate-bench`: chemgate's figures beside references measured in the same run (BENCHMARKS.md).
@main
struct ChemgateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chemgate-bench",
        abstract: "Measure chemgate beside its references; one figure per line, with ratio, target and PASS/MISS.",
        discussion: """
            Build first: swift build -c release --product chemgate --product modbus-loop-reference \
            (make bench does). Each line: scenario, figure, reference, ratio, target, PASS or MISS.
            """,
        subcommands: [
            LinkScenario.self, RTUScenario.self, ScaleScenario.self, PlannerScenario.self, LogScenario.self,
            AllScenarios.self,
        ]
    )
}

/// Every scenario, one after the other.
struct AllScenarios: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Run every scenario.")

    @OptionGroup var options: BenchOptions

    func run() async throws {
        try await PlannerScenario(options: options).run()
        try await LinkScenario(options: options).run()
        try await RTUScenario(options: options).run()
        try await LogScenario(options: options).run()
        try await ScaleScenario(options: options).run()
    }
}
