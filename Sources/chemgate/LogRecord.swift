import Foundation
import GatewayCore
import Logging

/// One log record as chemgate writes it, rendered in one of the ``LogFormat``s; pure, so its
/// quoting is tested without a process.
struct LogRecord: Sendable {
    var time: Timestamp
    var level: Logger.Level
    var label: String
    var message: String
    /// The metadata, flattened to text, in the order it is written (sorted by key).
    var metadata: [(key: String, value: String)]

    init(time: Timestamp, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) {
        self.time = time
        self.level = level
        self.label = label
        self.message = message
        self.metadata = metadata.sorted { $0.key < $1.key }.map { ($0.key, Self.text($0.value)) }
    }

    /// The record as one line (without the line feed). `journal` puts the RFC 5424 severity in front
    /// as `<N>`, which journald reads as the priority (and strips).
    func line(_ format: LogFormat, journal: Bool = false) -> String {
        let body: String
        switch format {
        case .text: body = text
        case .logfmt: body = logfmt
        case .json: body = json
        }
        return journal ? "<\(severity)>" + body : body
    }

    /// RFC 5424 severity: 2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug (and trace).
    var severity: Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private var text: String {
        var line = "\(time) \(level) \(message)"
        for (key, value) in metadata { line += " \(Self.logfmtKey(key))=\(Self.logfmtValue(value))" }
        return line
    }

    private var logfmt: String {
        var fields = [("ts", time.description), ("level", level.rawValue), ("logger", label), ("msg", message)]
        fields += fieldMetadata
        return fields.map { "\(Self.logfmtKey($0.0))=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
    }

    private var json: String {
        var fields = [("ts", time.description), ("level", level.rawValue), ("logger", label), ("msg", message)]
        fields += fieldMetadata
        return "{" + fields.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}"
    }

    /// The metadata beside the record's own fields: a key that would clash with `ts`, `level`,
    /// `logger` or `msg` is written with a leading `_`, so that nothing is lost or overwritten.
    private var fieldMetadata: [(String, String)] {
        metadata.map {
            ["ts", "level", "logger", "msg"].contains($0.key) ? ("_" + $0.key, $0.value) : ($0.key, $0.value)
        }
    }

    /// A metadata value as text: strings as they are, lists and dictionaries in brackets.
    static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): "[" + values.map(text).joined(separator: ", ") + "]"
        case .dictionary(let values):
            "[" + values.sorted { $0.key < $1.key }.map { "\($0.key): \(text($0.value))" }.joined(separator: ", ")
                + "]"
        }
    }

    /// A logfmt key: the characters logfmt allows in a bare key; anything else becomes `_`.
    static func logfmtKey(_ key: String) -> String {
        let cleaned = String(
            key.unicodeScalars.map { scalar -> Character in
                scalar.value > 0x20 && scalar.value < 0x7F && scalar != "=" && scalar != "\"" ? Character(scalar) : "_"
            }
        )
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// A logfmt value: bare when it is safe, otherwise in double quotes with `\"`, `\\` and control
    /// characters escaped (`\n`, `\t`, `\u001b`), so that one record is always one line.
    static func logfmtValue(_ value: String) -> String {
        let bare =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { scalar in
                scalar.value > 0x20 && scalar.value != 0x7F && scalar != "\"" && scalar != "=" && scalar != "\\"
                    && !(0x80...0x9F).contains(scalar.value) && scalar != "\u{2028}" && scalar != "\u{2029}"
            }
        return bare ? value : quoted(value)
    }

    /// `value` in double quotes, with quotes, backslashes and control characters escaped as in JSON.
    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}":
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A JSON string literal (UTF-8 kept as it is, control characters escaped).
    static func jsonString(_ value: String) -> String { quoted(value) }
}
