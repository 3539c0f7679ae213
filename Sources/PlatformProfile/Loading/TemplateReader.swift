import DeviceMap
import Foundation
import Yams

/// Reads message templates from YAML nodes: constants, `${…}` references, objects, lists and the
/// `$each`/`$item`, `$encrypt` and `$json` forms. Collects the site values and secrets referred to.
struct TemplateReader {
    let document: YAMLDocument
    let log: IssueLog
    let hasEncryption: Bool
    private(set) var siteValues = Set<String>()
    private(set) var secrets = Set<String>()

    init(document: YAMLDocument, log: IssueLog, hasEncryption: Bool) {
        self.document = document
        self.log = log
        self.hasEncryption = hasEncryption
    }

    /// A constant from a scalar: a plain number stays a number, plain true/false/null keep their
    /// meaning, anything quoted is text.
    static func constant(_ node: Node) -> Constant? {
        guard case .scalar(let scalar) = node else { return nil }
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else { return .text(text) }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null", "~": return .null
        default: break
        }
        if let whole = YAMLNumber.int(node) { return .number(String(whole)) }
        if let number = YAMLNumber.double(node), number.isFinite, !text.lowercased().contains("inf") {
            return .number(isJSONNumber(text) ? text : NumberText.shortest(number))
        }
        return .text(text)
    }

    private static func isJSONNumber(_ text: String) -> Bool {
        let pattern = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/
        return text.wholeMatch(of: pattern) != nil
    }

    mutating func read(_ node: Node) -> Template? {
        switch node {
        case .scalar(let scalar):
            guard scalar.string.contains("${") else { return Self.constant(node).map(Template.constant) }
            return readText(scalar.string, at: document.position(of: node))
        case .sequence(let sequence):
            var items: [Template] = []
            for item in sequence {
                guard let template = read(item) else { return nil }
                items.append(template)
            }
            return .array(items)
        case .mapping(let mapping):
            let keys = mapping.keys.compactMap { $0.scalar?.string }
            if keys.contains(where: { $0.hasPrefix("$") }) { return readSpecial(mapping, node: node) }
            var members: [(key: String, value: Template)] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    log.error("keys of a message template are text", at: document.position(of: key))
                    return nil
                }
                guard let template = read(value) else { return nil }
                members.append((name, template))
            }
            return .object(members)
        case .alias:
            log.error("aliases are not read in templates: write the value", at: document.position(of: node))
            return nil
        }
    }

    private mutating func readSpecial(_ mapping: Node.Mapping, node: Node) -> Template? {
        let position = document.position(of: node)
        let keys = mapping.keys.compactMap { $0.scalar?.string }
        if let inner = mapping["$encrypt"] {
            guard keys.count == 1 else {
                log.error("'$encrypt' stands alone in its mapping: the part to encrypt is its value", at: position)
                return nil
            }
            guard hasEncryption else {
                log.error("'$encrypt' needs an 'encryption' section in the profile", at: position)
                return nil
            }
            return read(inner).map(Template.encrypt)
        }
        if let inner = mapping["$json"] {
            guard keys.count == 1 else {
                log.error(
                    "'$json' stands alone in its mapping: the part to write as a JSON string is its value",
                    at: position
                )
                return nil
            }
            return read(inner).map(Template.json)
        }
        if let collection = mapping["$each"] {
            guard Set(keys) == ["$each", "$item"], let item = mapping["$item"] else {
                log.error("'$each' goes with '$item' (the template of one element) and nothing else", at: position)
                return nil
            }
            let allowed = Template.Collection.allCases.map(\.rawValue)
            guard let name = collection.scalar?.string, let kind = Template.Collection(rawValue: name) else {
                var message = "'$each' repeats over \(allowed.joined(separator: ", ")), not \(collection.kindName)"
                if let text = collection.scalar?.string, let suggestion = nearest(to: text, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                }
                log.error(message, at: document.position(of: collection))
                return nil
            }
            return read(item).map { Template.each(kind, $0) }
        }
        let unknown = keys.first { $0.hasPrefix("$") } ?? "$"
        log.error(
            "unknown template form \(MappingReader.quoted(unknown)): the forms are $each with $item, $encrypt and $json",
            at: position
        )
        return nil
    }

    /// `${name}` alone, or text with references inside.
    private mutating func readText(_ text: String, at position: SourcePosition) -> Template? {
        var parts: [TextPart] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                log.error("'${' without its closing '}' in \(MappingReader.quoted(text))", at: position)
                return nil
            }
            var name = String(rest[start.upperBound..<end])
            let optional = name.hasSuffix("?")
            if optional { name.removeLast() }
            guard let field = field(named: name, at: position) else { return nil }
            if optional, parts.isEmpty, rest[rest.index(after: end)...].isEmpty {
                return .reference(field, omitIfAbsent: true)
            }
            if optional {
                log.error(
                    "'?' (leave the key out when absent) applies to a whole value '${\(name)?}', not inside text",
                    at: position
                )
                return nil
            }
            parts.append(.field(field))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        if parts.count == 1, case .field(let field) = parts[0] { return .reference(field, omitIfAbsent: false) }
        return .text(parts)
    }

    private mutating func field(named name: String, at position: SourcePosition) -> Field? {
        guard let field = Field.named(name) else {
            var message = "unknown field \(MappingReader.quoted("${\(name)}"))"
            if let suggestion = nearest(to: name, in: Array(Field.byName.keys)) {
                message += "; did you mean '${\(suggestion)}'?"
            }
            message +=
                " Fields: gateway.*, site.NAME, secret.NAME, message.*, record.*, event.*, point.*, device.* (docs/uplink-profiles.md)"
            log.error(message, at: position)
            return nil
        }
        switch field {
        case .site(let value):
            guard ConfigLimits.isSafeID(value) else {
                log.error("'site.\(value)': the name of a site value is 1 to 64 of A–Z a–z 0–9 - _ .", at: position)
                return nil
            }
            siteValues.insert(value)
        case .secret(let value):
            guard ConfigLimits.isSafeID(value) else {
                log.error("'secret.\(value)': the name of a secret is 1 to 64 of A–Z a–z 0–9 - _ .", at: position)
                return nil
            }
            secrets.insert(value)
        default: break
        }
        return field
    }
}
