import Foundation
package import Yams

/// A YAML file read and composed into nodes that remember their line and column.
package struct YAMLDocument {
    package let source: SourceFile
    package let root: Node

    /// Reads and parses a file; syntax errors become issues pointing at the line.
    /// - Returns: nil when the file cannot be read or parsed (the reason is in `log`).
    package static func load(path: String, displayName: String? = nil, log: IssueLog) -> YAMLDocument? {
        let name = displayName ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            log.add(
                ConfigIssue(
                    .error,
                    file: name,
                    line: 0,
                    column: 0,
                    message: exists ? "cannot read the file" : "no such file"
                )
            )
            return nil
        }
        guard data.count <= ConfigLimits.fileBytes else {
            log.add(
                ConfigIssue(
                    .error,
                    file: name,
                    line: 1,
                    column: 1,
                    message:
                        "the file is \(data.count) bytes long; a configuration file may have at most \(ConfigLimits.fileBytes)"
                )
            )
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log.add(ConfigIssue(.error, file: name, line: 0, column: 0, message: "the file is not UTF-8 text"))
            return nil
        }
        return parse(text, name: name, log: log)
    }

    /// Parses YAML text.
    package static func parse(_ text: String, name: String, log: IssueLog) -> YAMLDocument? {
        let source = SourceFile(name: name, text: text)
        // A password written in any URL of the file is hidden from every message about it.
        for secret in UplinkURL.secrets(in: text) { log.redact(secret) }
        if let problem = YAMLPreflight.problem(in: text) {
            log.error(problem.message, at: SourcePosition(file: source, line: problem.line, column: problem.column))
            return nil
        }
        do {
            // The basic resolver: every plain scalar stays text, read as a number or a flag by YAMLNumber
            // and YAMLFlag; the default one compiles regular expressions with ICU (YAMLFlag).
            guard let root = try Yams.compose(yaml: text, .basic) else {
                log.error("the file is empty", at: source.start)
                return nil
            }
            return YAMLDocument(source: source, root: root)
        } catch let error as YamlError {
            log.add(issue(for: error, in: source))
            return nil
        } catch {
            log.error("cannot parse YAML: \(error)", at: source.start)
            return nil
        }
    }

    private static func issue(for error: YamlError, in source: SourceFile) -> ConfigIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SourcePosition(file: source, line: mark.line, column: mark.column).issue(
                .error,
                "YAML syntax: \(problem)"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            let position = SourcePosition(file: source, line: context.mark.line, column: context.mark.column)
            return position.issue(
                .error,
                "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")): each key may appear once"
            )
        default:
            return source.start.issue(.error, "YAML: \(error)")
        }
    }

    package func position(of node: Node) -> SourcePosition {
        guard let mark = node.mark else { return source.start }
        return SourcePosition(file: source, line: mark.line, column: mark.column)
    }
}
