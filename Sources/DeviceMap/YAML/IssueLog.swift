import Foundation

/// Collects the issues of one loading pass, so every error is reported at once.
///
/// A reference type on purpose: every reader of one load shares it. Used by one thread at a time.
final class IssueLog {
    private(set) var issues: [ConfigIssue] = []
    /// Text never to be shown in a quoted line (a password written in a URL), each ending in `@`.
    private var secrets: [String] = []

    var hasErrors: Bool { issues.contains { $0.severity == .error } }

    func add(_ issue: ConfigIssue) { issues.append(redacted(issue)) }

    func error(_ message: String, at position: SourcePosition) {
        add(position.issue(.error, message))
    }

    func warning(_ message: String, at position: SourcePosition) {
        add(position.issue(.warning, message))
    }

    /// Hides `secret@` in the quoted lines of every issue, reported or to come, as `****@`.
    func redact(_ secret: String) {
        secrets.append(secret + "@")
        issues = issues.map(redacted)
    }

    private func redacted(_ issue: ConfigIssue) -> ConfigIssue {
        var issue = issue
        for secret in secrets {
            issue.sourceLine = issue.sourceLine.replacingOccurrences(of: secret, with: "****@")
            issue.message = issue.message.replacingOccurrences(of: secret, with: "****@")
        }
        return issue
    }
}

/// A place in a YAML file.
struct SourcePosition: Sendable, Hashable {
    var file: SourceFile
    var line: Int
    var column: Int

    func issue(_ severity: ConfigIssue.Severity, _ message: String) -> ConfigIssue {
        ConfigIssue(
            severity,
            file: file.name,
            line: line,
            column: column,
            message: message,
            sourceLine: file.line(line)
        )
    }
}

/// A file's name and text, for messages that quote the offending line.
struct SourceFile: Sendable, Hashable {
    var name: String
    var lines: [String]

    init(name: String, text: String) {
        self.name = name
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }

    func line(_ number: Int) -> String {
        lines.indices.contains(number - 1) ? lines[number - 1] : ""
    }

    /// The position of the whole file (for problems without a line).
    var start: SourcePosition { SourcePosition(file: self, line: 1, column: 1) }
}
