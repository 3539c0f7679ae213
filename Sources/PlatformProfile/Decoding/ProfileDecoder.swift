public import GatewayCore

/// Reads a platform's message back through the profile that rendered it: decrypts the encrypted
/// parts and collects what every `${field}` of the templates wrote. The reverse of ``ProfileRenderer``
/// for `chemgate receive --profile` and round-trip tests; what cannot round-trip is listed on
/// ``DecodedMessage``.
///
/// The message's kind is the one whose template the message fits best (the most keys and constants
/// found, the fewest missing).
public struct ProfileDecoder: Sendable {
    public let profile: PlatformProfile
    let keys: ProfileKeys

    /// - Throws: ``ProfileError`` when a secret the cipher uses is missing or does not fit.
    public init(profile: PlatformProfile, secrets: [String: String]) throws(ProfileError) {
        self.profile = profile
        self.keys = try ProfileKeys(profile: profile, secrets: secrets)
    }

    /// The message `body` (an HTTP body, or a TCP frame without its delimiter or length prefix).
    /// - Throws: ``ProfileError`` when it fits none of the profile's messages (not JSON, not decryptable).
    public func decode(_ body: [UInt8]) throws(ProfileError) -> DecodedMessage {
        var best: (score: Int, message: DecodedMessage)?
        var firstProblem: ProfileError?
        for kind in MessageKind.allCases {
            guard let spec = profile.messages[kind] else { continue }
            var walk = Walk()
            do throws(ProfileError) {
                var tree: JSONTree?
                if spec.encryptBody {
                    let plaintext = try keys.decrypt(String(decoding: body, as: UTF8.self), profile: profile)
                    walk.plaintexts.append(plaintext)
                    tree = JSONTree.parse(plaintext)
                } else {
                    tree = JSONTree.parse(body)
                }
                guard let tree else { throw ProfileError("the message is not JSON") }
                var fields: [Field: String] = [:]
                try walk.visit(spec.body, tree, fields: &fields, keys: keys, profile: profile)
                if kind == .events, spec.grouping == .record, walk.events.isEmpty { walk.events = [fields] }
                let score = walk.matched - 2 * walk.missing
                if best == nil || score > best!.score {
                    best = (
                        score,
                        DecodedMessage(
                            kind: kind,
                            fields: fields,
                            readings: walk.readings,
                            events: walk.events,
                            points: walk.points,
                            plaintexts: walk.plaintexts
                        )
                    )
                }
            } catch {
                if firstProblem == nil { firstProblem = error }
            }
        }
        guard let best else {
            throw firstProblem ?? ProfileError("profile '\(profile.name)' has no message this could be")
        }
        return best.message
    }

    /// A time as the profile writes it, as an instant; nil when it is not in the profile's format.
    public func timestamp(_ text: String) -> Timestamp? { profile.time.timestamp(from: text) }
}

/// The state of one walk of a message against one template.
private struct Walk {
    var readings: [[Field: String]] = []
    var events: [[Field: String]] = []
    var points: [[Field: String]] = []
    var plaintexts: [[UInt8]] = []
    var matched = 0
    var missing = 0

    mutating func visit(
        _ template: Template,
        _ value: JSONTree?,
        fields: inout [Field: String],
        keys: ProfileKeys,
        profile: PlatformProfile
    ) throws(ProfileError) {
        switch template {
        case .constant(let constant):
            guard let value else {
                missing += 1
                return
            }
            if Self.text(of: constant) == value.text { matched += 1 } else { missing += 1 }
        case .reference(let field, let omit):
            if let text = value?.text {
                fields[field] = text
                matched += 1
            } else if value == nil, !omit, profile.values.missing != .omit {
                missing += 1
            }
        case .text(let parts):
            guard let text = value?.text else {
                missing += 1
                return
            }
            matched += 1
            Self.extract(parts, from: text, into: &fields)
        case .object(let members):
            guard case .object(let object) = value else {
                missing += 1 + members.count
                return
            }
            for (key, item) in members {
                try visit(item, object[key], fields: &fields, keys: keys, profile: profile)
            }
        case .array(let items):
            guard case .array(let array) = value else {
                missing += 1
                return
            }
            for (index, item) in items.enumerated() {
                try visit(item, index < array.count ? array[index] : nil, fields: &fields, keys: keys, profile: profile)
            }
        case .each(let collection, let item):
            guard case .array(let array) = value else {
                missing += 1
                return
            }
            matched += 1
            for element in array {
                var inner = fields
                try visit(item, element, fields: &inner, keys: keys, profile: profile)
                switch collection {
                case .records: readings.append(inner)
                case .events: events.append(inner)
                case .points: points.append(inner)
                case .devices: break  // the device's own fields reach the items collected inside it
                }
            }
        case .encrypt(let inner):
            guard case .string(let text) = value else {
                missing += 1
                return
            }
            let plaintext = try keys.decrypt(text, profile: profile)
            plaintexts.append(plaintext)
            guard let tree = JSONTree.parse(plaintext) else {
                throw ProfileError("an encrypted part decrypts to something that is not JSON")
            }
            matched += 1
            try visit(inner, tree, fields: &fields, keys: keys, profile: profile)
        case .json(let inner):
            guard case .string(let text) = value, let tree = JSONTree.parse(Array(text.utf8)) else {
                missing += 1
                return
            }
            matched += 1
            try visit(inner, tree, fields: &fields, keys: keys, profile: profile)
        }
    }

    static func text(of constant: Constant) -> String? {
        switch constant {
        case .text(let text): text
        case .number(let text): Double(text).map { String($0) } == nil ? text : normalised(text)
        case .bool(let flag): flag ? "true" : "false"
        case .null: nil
        }
    }

    /// A number's text as ``JSONTree`` reads it (integers as such, others through Double).
    private static func normalised(_ text: String) -> String {
        if let whole = Int64(text) { return String(whole) }
        return Double(text).map { String($0) } ?? text
    }

    /// The field of a text template with one field between literals (`GW-${gateway.id}`).
    static func extract(_ parts: [TextPart], from text: String, into fields: inout [Field: String]) {
        let references = parts.compactMap { part -> Field? in
            if case .field(let field) = part { return field }
            return nil
        }
        guard references.count == 1, let field = references.first else { return }
        var rest = Substring(text)
        var seenField = false
        var suffix = ""
        for part in parts {
            switch part {
            case .literal(let literal) where !seenField:
                guard rest.hasPrefix(literal) else { return }
                rest = rest.dropFirst(literal.count)
            case .literal(let literal):
                suffix += literal
            case .field:
                seenField = true
            }
        }
        guard rest.hasSuffix(suffix) else { return }
        fields[field] = String(rest.dropLast(suffix.count))
    }
}
