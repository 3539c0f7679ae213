package import Yams

/// Reads one YAML mapping whose keys are known in advance.
///
/// Reports, into the shared ``IssueLog``: a node that is not a mapping, unknown keys (with the
/// nearest allowed key and the full list), missing required keys, and values of the wrong kind.
/// Accessors return nil after reporting, so loading goes on and every problem is found in one pass.
package struct MappingReader {
    package let document: YAMLDocument
    package let log: IssueLog
    package let node: Node
    /// What the mapping describes, for messages: `point 'lel'`, `link 'bus1'`.
    package let context: String
    private var values: [String: (key: Node, value: Node)] = [:]

    /// - Returns: nil (after reporting) when `node` is not a mapping.
    package init?(_ node: Node, context: String, allowed: [String], document: YAMLDocument, log: IssueLog) {
        self.document = document
        self.log = log
        self.node = node
        self.context = context
        guard case .mapping(let mapping) = node else {
            log.error(
                "\(context) must be a mapping of 'key: value' lines, not \(node.kindName)",
                at: document.position(of: node)
            )
            return nil
        }
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                log.error("keys in \(context) must be plain words", at: document.position(of: key))
                continue
            }
            guard name.utf8.count <= 64, ConfigLimits.controlCharacter(in: name) == nil else {
                log.error("unknown key \(MappingReader.quoted(name)) in \(context)", at: document.position(of: key))
                continue
            }
            guard allowed.contains(name) else {
                var message = "unknown key '\(name)' in \(context)"
                if let suggestion = nearest(to: name, in: allowed) { message += "; did you mean '\(suggestion)'?" }
                message += " Allowed: \(allowed.joined(separator: ", "))"
                log.error(message, at: document.position(of: key))
                continue
            }
            values[name] = (key, value)
        }
    }

    /// The position of the mapping itself.
    package var position: SourcePosition { document.position(of: node) }

    /// Whether the key is present.
    package func has(_ key: String) -> Bool { values[key] != nil }

    /// The position of a key's value, or of the mapping when the key is absent.
    package func position(of key: String) -> SourcePosition {
        values[key].map { document.position(of: $0.value) } ?? position
    }

    /// The position of the key itself.
    package func keyPosition(of key: String) -> SourcePosition {
        values[key].map { document.position(of: $0.key) } ?? position
    }

    /// The raw node of a key.
    package func node(_ key: String, required: Bool = false) -> Node? {
        guard let entry = values[key] else {
            if required { log.error("\(context) needs '\(key)'", at: position) }
            return nil
        }
        return entry.value
    }

    /// Text of at most ``ConfigLimits/textLength`` characters, without control characters other
    /// than tab and line feed.
    package func string(_ key: String, required: Bool = false) -> String? {
        guard let value = node(key, required: required) else { return nil }
        guard case .scalar(let scalar) = value, !scalar.string.isEmpty else {
            log.error("'\(key)' in \(context) must be text", at: document.position(of: value))
            return nil
        }
        guard
            let text = Self.checkedText(
                scalar.string,
                key: key,
                context: context,
                at: document.position(of: value),
                log: log
            )
        else { return nil }
        return text
    }

    /// Reports text that is too long or holds control characters; nil after reporting.
    package static func checkedText(
        _ text: String,
        key: String,
        context: String,
        at position: SourcePosition,
        log: IssueLog
    ) -> String? {
        if text.utf8.count > ConfigLimits.textLength {
            log.error(
                "'\(key)' in \(context) is \(text.utf8.count) bytes long; at most \(ConfigLimits.textLength) are allowed",
                at: position
            )
            return nil
        }
        if let control = ConfigLimits.controlCharacter(in: text) {
            let code = "U+" + String(control.value, radix: 16, uppercase: true).leftPadded(to: 4)
            log.error("'\(key)' in \(context) holds the control character \(code): remove it", at: position)
            return nil
        }
        return text
    }

    /// An id: 1–64 of `A–Z a–z 0–9 - _ .` (``ConfigLimits/isSafeID(_:)``).
    package func id(_ key: String = "id", required: Bool = true) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard ConfigLimits.isSafeID(text) else {
            log.error(
                "'\(key)' in \(context) must be 1 to 64 of the letters A–Z and a–z, the digits 0–9, '-', '_' and '.', not \(MappingReader.quoted(text))",
                at: position(of: key)
            )
            return nil
        }
        return text
    }

    /// `'text'`, shortened to 40 characters, for messages about text that may be long or odd.
    package static func quoted(_ text: String) -> String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        let escaped = shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        return "'\(escaped)'"
    }

    package func int(_ key: String, required: Bool = false, in range: ClosedRange<Int>? = nil) -> Int? {
        guard let value = node(key, required: required) else { return nil }
        guard let number = YAMLNumber.int(value) else {
            log.error(
                "'\(key)' in \(context) must be a whole number, not \(value.kindName)",
                at: document.position(of: value)
            )
            return nil
        }
        if let range, !range.contains(number) {
            log.error(
                "'\(key)' in \(context) must be from \(range.lowerBound) to \(range.upperBound), not \(number)",
                at: document.position(of: value)
            )
            return nil
        }
        return number
    }

    /// A finite number of magnitude at most ``ConfigLimits/largestNumber`` (1e15).
    package func double(_ key: String, required: Bool = false) -> Double? {
        guard let value = node(key, required: required) else { return nil }
        guard let number = YAMLNumber.double(value), number.isFinite else {
            log.error(
                "'\(key)' in \(context) must be a finite number, not \(value.kindName)",
                at: document.position(of: value)
            )
            return nil
        }
        guard abs(number) <= ConfigLimits.largestNumber else {
            log.error(
                "'\(key)' in \(context) must be from -1e15 to 1e15, not \(number)",
                at: document.position(of: value)
            )
            return nil
        }
        return number
    }

    package func bool(_ key: String) -> Bool? {
        guard let value = node(key) else { return nil }
        guard let flag = YAMLFlag.bool(value) else {
            log.error(
                "'\(key)' in \(context) must be true or false, not \(value.kindName)",
                at: document.position(of: value)
            )
            return nil
        }
        return flag
    }

    /// A duration written with its unit: `250ms`, `1s`, `1.5s`, `5m`, `1h`, `30d`.
    /// - Parameter range: the allowed durations; one outside is reported with the range and returns nil.
    package func duration(_ key: String, required: Bool = false, in range: ClosedRange<Duration>) -> Duration? {
        guard let value = node(key, required: required) else { return nil }
        guard let text = value.scalar?.string, let duration = DurationText.parse(text) else {
            log.error(
                "'\(key)' in \(context) must be a duration with its unit, such as 250ms, 1s, 5m, 1h or 30d, "
                    + "from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), "
                    + "not \(value.kindName)",
                at: document.position(of: value)
            )
            return nil
        }
        guard range.contains(duration) else {
            log.error(
                "'\(key)' in \(context) must be from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), not \(MappingReader.quoted(text.trimmingSpaces))",
                at: document.position(of: value)
            )
            return nil
        }
        return duration
    }

    /// A nested mapping with its own allowed keys.
    package func mapping(_ key: String, context nested: String, allowed: [String], required: Bool = false)
        -> MappingReader?
    {
        guard let value = node(key, required: required) else { return nil }
        return MappingReader(value, context: nested, allowed: allowed, document: document, log: log)
    }

    /// A sequence's items.
    package func sequence(_ key: String, required: Bool = false) -> [Node]? {
        guard let value = node(key, required: required) else { return nil }
        guard case .sequence(let sequence) = value else {
            log.error("'\(key)' in \(context) must be a list ('- ' items)", at: document.position(of: value))
            return nil
        }
        return Array(sequence)
    }

    /// The entries of a mapping value whose keys are names chosen by the user (ids, enum values).
    package func entries(_ key: String) -> [(key: Node, value: Node)]? {
        guard let value = node(key) else { return nil }
        guard case .mapping(let mapping) = value else {
            log.error(
                "'\(key)' in \(context) must be a mapping of 'key: value' lines",
                at: document.position(of: value)
            )
            return nil
        }
        return mapping.map { ($0.key, $0.value) }
    }
}

extension Node {
    /// `a mapping`, `a list`, `'text'`, for messages.
    package var kindName: String {
        switch self {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): MappingReader.quoted(scalar.string)
        case .alias: "an alias"
        }
    }
}

/// The allowed word closest to a misspelt one, if it is close enough to be a typo.
package func nearest(to word: String, in candidates: [String]) -> String? {
    let best = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
    guard let best, best.1 <= max(2, word.count / 3) else { return nil }
    return best.0
}

private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

extension String {
    package func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(width - count, 0)) + self
    }
}
