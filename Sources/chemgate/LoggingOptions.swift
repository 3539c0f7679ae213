public import ArgumentParser
public import Logging

/// `--log-level` and `--log-format`, shared by every command.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .notice

    @Option(
        help: """
            Log format on standard error: text (for a terminal), logfmt (key=value, values quoted) or json \
            (one object per line). Under systemd (JOURNAL_STREAM) each line starts with its <N> priority.
            """
    )
    var logFormat: LogFormat = .text

    /// Sends log records to standard error at the chosen level and format, and returns a logger for
    /// `label`. Repeated warnings and errors are written once a minute with a count (``RepeatLimiter``).
    func bootstrap(label: String) -> Logger {
        let level = logLevel
        let format = logFormat
        let journal = JournalStream.isStandardError()
        let limiter = RepeatLimiter()
        LoggingSystem.bootstrap { name in
            LineLogHandler(
                label: name,
                format: format,
                journal: journal,
                limiter: limiter,
                output: .standardError,
                logLevel: level
            )
        }
        return Logger(label: label)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
