import Foundation

/// Collects the issues of one loading pass, so every error is reported at once.
///
/// A reference type on purpose: every reader of one load shares it. Used by one thread at a time.
package final class IssueLog {
    package private(set) var issues: [ConfigIssue] = []

    package init() {}
    /// Text never to be shown in a quoted line (a password written in a URL), each ending in `@`.
    private var secrets: [String] = []

    package var hasErrors: Bool { issues.contains { $0.severity == .error } }

    package func add(_ issue: ConfigIssue) { issues.append(redacted(issue)) }

    package func error(_ message: String, at position: SourcePosition) {
        add(position.issue(.error, message))
    }

    package func warning(_ message: String, at position: SourcePosition) {
        add(position.issue(.warning, message))
    }

    /// Hides `secret@` in the quoted lines of every issue, reported or to come, as `****@`.
    package func redact(_ secret: String) {
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
package struct SourcePosition: Sendable, Hashable {
    package var file: SourceFile
    package var line: Int
    package var column: Int

    package func issue(_ severity: ConfigIssue.Severity, _ message: String) -> ConfigIssue {
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
package struct SourceFile: Sendable, Hashable {
    package var name: String
    package var lines: [String]

    package init(name: String, text: String) {
        self.name = name
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }

    package func line(_ number: Int) -> String {
        lines.indices.contains(number - 1) ? lines[number - 1] : ""
    }

    /// The position of the whole file (for problems without a line).
    package var start: SourcePosition { SourcePosition(file: self, line: 1, column: 1) }
}
