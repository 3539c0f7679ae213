/// One problem in a configuration file, pointing at its line and column.
///
/// Its description reads like a compiler's:
/// ```text
/// examples/site.yaml:12:5: error: unknown key 'adress' in point 'lel'; did you mean 'address'?
///    12 |     adress: 2
///       |     ^
/// ```
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    /// The file, as the user named it.
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column.
    public var column: Int
    public var message: String
    /// The offending line of the file, or empty.
    public var sourceLine: String

    public init(_ severity: Severity, file: String, line: Int, column: Int, message: String, sourceLine: String = "") {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:column`.
    public var location: String { line > 0 ? "\(file):\(line):\(column)" : file }

    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        guard line > 0, !sourceLine.isEmpty else { return text }
        let number = String(line)
        let gutter = String(repeating: " ", count: max(5 - number.count, 1))
        let blank = String(repeating: " ", count: gutter.count + number.count)
        let (shown, caretColumn) = Self.window(of: sourceLine, around: column)
        let caretOffset = shown.unicodeScalars.prefix(max(caretColumn - 1, 0)).map { $0 == "\t" ? "\t" : " " }.joined()
        text += "\n\(gutter)\(number) | \(shown)\n\(blank) | \(caretOffset)^"
        return text
    }

    /// At most about 160 characters of a long line, around the column, so a 1 MB line is not repeated.
    static func window(of line: String, around column: Int) -> (String, Int) {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count > 160 else { return (line, column) }
        let start = min(max(column - 1 - 60, 0), scalars.count)
        let end = min(start + 160, scalars.count)
        var shown = String(String.UnicodeScalarView(scalars[start..<end]))
        var caret = column - start
        if start > 0 {
            shown = "…" + shown
            caret += 1
        }
        if end < scalars.count { shown += "…" }
        return (shown, caret)
    }
}

/// Every problem found in a site configuration and the device maps it uses.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(_ issues: [ConfigIssue]) { self.issues = issues }

    public var errors: [ConfigIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        let count = errors.count
        let summary = "\(count) error\(count == 1 ? "" : "s") in the configuration"
        return (issues.map(\.description) + [summary]).joined(separator: "\n")
    }
}
