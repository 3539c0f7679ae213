import ArgumentParser

/// How `--log-format` writes each log record on standard error.
///
/// - `text`: for people at a terminal: `2026-12-03T10:15:44.123Z notice message key=value key2="two words"`.
/// - `logfmt`: one `key=value` record per line (`ts`, `level`, `logger`, `msg`, then the metadata),
///   values quoted when they hold a space, a quote, `=` or a control character.
/// - `json`: one JSON object per line with the same keys.
enum LogFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case text
    case logfmt
    case json
}
