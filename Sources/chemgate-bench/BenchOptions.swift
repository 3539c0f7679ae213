import ArgumentParser

/// Options every scenario shares.
struct BenchOptions: ParsableArguments {
    @Flag(help: "Short measurements (a few seconds each): a smoke run, not figures to publish.")
    var quick = false

    @Option(help: "Seconds each measurement lasts (default 10, 3 with --quick).")
    var seconds: Double?

    /// The length of one measurement.
    var window: Duration { .milliseconds(Int((seconds ?? (quick ? 3 : 10)) * 1000)) }
}
