public import DeviceMap
import Foundation
import GatewayCore
import PayloadCipher
import Yams

/// Loads a profile file and checks it, reporting every problem at once with its file:line:column,
/// as the device maps are.
public enum ProfileLoader {
    static let topKeys = [
        "profile", "description", "transport", "time", "values", "quality", "alarm_levels", "event_kinds",
        "record_id", "indicated_points_only", "encryption", "signing", "headers", "reply", "messages",
    ]
    static let transportKeys = ["type", "delimiter", "length_prefix", "reply", "max_reply_bytes"]
    static let timeKeys = ["format", "zone"]
    static let valueKeys = ["as", "decimals", "missing", "booleans"]
    static let encryptionKeys = ["cipher", "mode", "padding", "key", "key_form", "iv", "iv_form", "pad", "output"]
    static let signingKeys = ["algorithm", "key", "key_form", "output", "header"]
    static let replyKeys = ["field", "accepted", "permanent", "otherwise"]
    static let messageKeys = ["group", "max_records", "max_bytes", "encrypt_body", "with_events", "body"]

    /// Loads the profile at `path`.
    /// - Parameter displayName: the name used in messages (default: `path`).
    /// - Returns: the profile and its warnings.
    /// - Throws: ``ConfigErrors`` with every problem found.
    public static func load(
        path: String,
        displayName: String? = nil
    ) throws(ConfigErrors) -> (PlatformProfile, warnings: [ConfigIssue]) {
        let log = IssueLog()
        let profile = YAMLDocument.load(path: path, displayName: displayName, log: log).flatMap { read($0, log: log) }
        guard let profile, !log.hasErrors else { throw ConfigErrors(log.issues) }
        return (profile, log.issues)
    }

    /// Parses profile text (tests, `chemgate check --profile`).
    public static func parse(_ text: String, name: String) throws(ConfigErrors) -> (
        PlatformProfile, warnings: [ConfigIssue]
    ) {
        let log = IssueLog()
        let profile = YAMLDocument.parse(text, name: name, log: log).flatMap { read($0, log: log) }
        guard let profile, !log.hasErrors else { throw ConfigErrors(log.issues) }
        return (profile, log.issues)
    }

    /// Where the profile of `uplink` is: a path when it ends in `.yaml` (relative to the site file), else
    /// `NAME.yaml` in the site's profiles directory.
    public static func path(of uplink: UplinkConfig, siteFile: String) -> String? {
        guard let profile = uplink.profile else { return nil }
        if profile.hasSuffix(".yaml") || profile.contains("/") {
            if profile.hasPrefix("/") { return profile }
            return URL(fileURLWithPath: siteFile).deletingLastPathComponent().path + "/" + profile
        }
        return (uplink.profilesDirectory ?? "profiles") + "/" + profile + ".yaml"
    }

    static func read(_ document: YAMLDocument, log: IssueLog) -> PlatformProfile? {
        guard
            let top = MappingReader(
                document.root,
                context: "the profile",
                allowed: topKeys,
                document: document,
                log: log
            )
        else { return nil }
        let name = top.id("profile")
        _ = top.string("description")
        let transport = readTransport(top)
        let time = readTime(top)
        let values = readValues(top)
        let quality = readCodes(top, key: "quality", allowed: qualityNames)
        let alarmLevels = readCodes(top, key: "alarm_levels", allowed: AlarmLevelNames.all)
        let eventKinds = readCodes(top, key: "event_kinds", allowed: GatewayEventNames.all)
        let recordID = readChoice(top, key: "record_id", RecordIDStyle.self) ?? .uuid
        let encryption = readEncryption(top)
        let signing = readSigning(top)
        var templates = TemplateReader(document: document, log: log, hasEncryption: encryption != nil)
        var headers: [(name: String, value: Template)] = []
        for (key, value) in top.entries("headers") ?? [] {
            guard let header = key.scalar?.string, isHeaderName(header) else {
                log.error(
                    "a header name is a token such as 'appsecret' or 'X-Signature', not \(key.kindName)",
                    at: document.position(of: key)
                )
                continue
            }
            guard value.scalar != nil, let template = templates.read(value) else {
                if value.scalar == nil {
                    log.error(
                        "header '\(header)' must be text (with ${…} references)",
                        at: document.position(of: value)
                    )
                }
                continue
            }
            headers.append((header, template))
        }
        let reply = readReply(top)
        var messages: [MessageKind: MessageSpec] = [:]
        if let section = top.mapping(
            "messages",
            context: "messages",
            allowed: MessageKind.allCases.map(\.rawValue),
            required: true
        ) {
            for kind in MessageKind.allCases {
                guard
                    let reader = section.mapping(
                        kind.rawValue,
                        context: "message '\(kind.rawValue)'",
                        allowed: messageKeys
                    )
                else { continue }
                if let spec = readMessage(reader, kind: kind, templates: &templates, hasEncryption: encryption != nil) {
                    messages[kind] = spec
                }
            }
            if !section.has("data") {
                log.error("messages needs 'data': the template of real-time readings", at: section.position)
            }
        }
        var secrets = templates.secrets
        if let encryption {
            secrets.insert(encryption.keySecret)
            if let iv = encryption.ivSecret { secrets.insert(iv) }
        }
        if let signing { secrets.insert(signing.keySecret) }
        guard let name, let transport, let time else { return nil }
        return PlatformProfile(
            name: name,
            path: document.source.name,
            transport: transport,
            time: time,
            values: values,
            qualityCodes: quality,
            alarmLevels: alarmLevels,
            eventKinds: eventKinds,
            recordID: recordID,
            indicatedPointsOnly: top.bool("indicated_points_only") ?? false,
            encryption: encryption,
            signing: signing,
            headers: headers,
            reply: reply,
            messages: messages,
            secrets: secrets,
            siteValues: templates.siteValues
        )
    }

    static let qualityNames: [String] =
        Quality.Level.allCases.map(\.rawValue) + [
            "communication_failure", "timeout", "gateway_path_failed", "stale", "demoted", "sensor_fault",
            "out_of_range", "frozen", "maintenance", "inhibited", "warmup", "config_error", "invalid_value",
        ] + (1...11).map { "device_exception_\($0)" }

    private static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
    }

    /// A value that must be one of an enum's raw values.
    static func readChoice<Choice: RawRepresentable & CaseIterable>(
        _ reader: MappingReader,
        key: String,
        _ type: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let text = reader.string(key) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue)
            var message =
                "'\(key)' in \(reader.context) must be one of \(allowed.joined(separator: ", ")), not \(MappingReader.quoted(text))"
            if let suggestion = nearest(to: text, in: allowed) { message += "; did you mean '\(suggestion)'?" }
            reader.log.error(message, at: reader.position(of: key))
            return nil
        }
        return choice
    }

    private static func readTransport(_ top: MappingReader) -> ProfileTransport? {
        guard let node = top.node("transport") else { return .http }
        if let text = node.scalar?.string {
            switch text {
            case "http": return .http
            case "mqtt": return .mqtt
            default:
                top.log.error(
                    "transport is 'http', 'mqtt', or a mapping with 'type: tcp' and its framing; not \(node.kindName)",
                    at: top.document.position(of: node)
                )
                return nil
            }
        }
        guard
            let reader = MappingReader(
                node,
                context: "transport",
                allowed: transportKeys,
                document: top.document,
                log: top.log
            )
        else { return nil }
        let type = reader.string("type", required: true)
        guard type == "tcp" else {
            if type == "http" || type == "mqtt" {
                reader.log.error(
                    "transport '\(type!)' has no framing: write 'transport: \(type!)'",
                    at: reader.position(of: "type")
                )
            } else if let type {
                reader.log.error(
                    "transport type must be 'tcp' here, not \(MappingReader.quoted(type))",
                    at: reader.position(of: "type")
                )
            }
            return nil
        }
        let delimiter = reader.string("delimiter")
        let prefix = reader.int("length_prefix")
        let boundary: Framing.Boundary
        switch (delimiter, prefix) {
        case (let delimiter?, nil):
            boundary = .delimiter(Array(delimiter.utf8))
        case (nil, let prefix?):
            guard [1, 2, 4].contains(prefix) else {
                reader.log.error(
                    "length_prefix is the size of the big-endian length in bytes: 1, 2 or 4, not \(prefix)",
                    at: reader.position(of: "length_prefix")
                )
                return nil
            }
            boundary = .lengthPrefix(bytes: prefix)
        case (.some, .some):
            reader.log.error("a tcp transport has either 'delimiter' or 'length_prefix', not both", at: reader.position)
            return nil
        case (nil, nil):
            reader.log.error(
                "a tcp transport needs 'delimiter' (such as \"@@\") or 'length_prefix' (1, 2 or 4)",
                at: reader.position
            )
            return nil
        }
        let maxReply = reader.int("max_reply_bytes", in: 64...16_000_000) ?? 1 << 20
        return .tcp(Framing(boundary: boundary, expectsReply: reader.bool("reply") ?? false, maxReplyBytes: maxReply))
    }

    private static func readTime(_ top: MappingReader) -> TimeFormat? {
        let reader = top.mapping("time", context: "time", allowed: timeKeys)
        let format = reader?.string("format") ?? "iso8601"
        let zone = reader?.string("zone") ?? "Asia/Shanghai"
        let style: TimeFormat.Style
        switch format {
        case "iso8601": style = .iso8601
        case "epoch_ms": style = .epochMilliseconds
        case "epoch_s": style = .epochSeconds
        default:
            let (tokens, problem) = TimeFormat.tokens(of: format)
            guard let tokens, let reader else {
                top.log.error(
                    "time format \(MappingReader.quoted(format)): \(problem ?? "unreadable"); or use iso8601, epoch_ms, epoch_s",
                    at: reader?.position(of: "format") ?? top.position
                )
                return nil
            }
            _ = reader
            style = .pattern(tokens)
        }
        guard let time = TimeFormat(style: style, zone: zone) else {
            top.log.error(
                "time zone \(MappingReader.quoted(zone)) is not a known zone; write an IANA name such as Asia/Shanghai or UTC",
                at: reader?.position(of: "zone") ?? top.position
            )
            return nil
        }
        return time
    }

    private static func readValues(_ top: MappingReader) -> ValueStyle {
        var style = ValueStyle()
        guard let reader = top.mapping("values", context: "values", allowed: valueKeys) else { return style }
        if let text = reader.string("as") {
            switch text {
            case "number": style.asString = false
            case "string": style.asString = true
            default:
                reader.log.error(
                    "'as' in values is 'number' or 'string', not \(MappingReader.quoted(text))",
                    at: reader.position(of: "as")
                )
            }
        }
        if let text = reader.string("decimals") {
            switch text {
            case "point": style.usePointDecimals = true
            case "keep": style.usePointDecimals = false
            default:
                reader.log.error(
                    "'decimals' in values is 'point' (the point's decimals, written in full) or 'keep' (the shortest text), not \(MappingReader.quoted(text))",
                    at: reader.position(of: "decimals")
                )
            }
        }
        if let text = reader.string("booleans") {
            switch text {
            case "number": style.jsonBooleans = false
            case "json": style.jsonBooleans = true
            default:
                reader.log.error(
                    "'booleans' in values is 'number' (1/0, or \"1\"/\"0\" as strings) or 'json' (true/false), not \(MappingReader.quoted(text))",
                    at: reader.position(of: "booleans")
                )
            }
        }
        if let node = reader.node("missing") {
            let text = node.scalar?.string
            switch (text, node.scalar?.style) {
            case ("null", .plain?), ("~", .plain?): style.missing = .null
            case ("omit", _): style.missing = .omit
            case (let text?, _): style.missing = .text(text)
            default: reader.log.error("'missing' in values is null, omit or a text", at: reader.position(of: "missing"))
            }
        }
        return style
    }

    /// A mapping of model names (quality levels, alarm levels) to the platform's codes.
    private static func readCodes(_ top: MappingReader, key: String, allowed: [String]) -> [String: Constant] {
        var codes: [String: Constant] = [:]
        for (name, value) in top.entries(key) ?? [] {
            guard let text = name.scalar?.string, allowed.contains(text) else {
                var message = "\(name.kindName) is not a name of \(key)"
                if let text = name.scalar?.string, let suggestion = nearest(to: text, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                }
                top.log.error(
                    message + " Allowed: \(allowed.joined(separator: ", "))",
                    at: top.document.position(of: name)
                )
                continue
            }
            guard let constant = TemplateReader.constant(value) else {
                top.log.error(
                    "the code of '\(text)' in \(key) must be a number, text or true/false",
                    at: top.document.position(of: value)
                )
                continue
            }
            codes[text] = constant
        }
        return codes
    }

    private static func readEncryption(_ top: MappingReader) -> EncryptionSpec? {
        guard let reader = top.mapping("encryption", context: "encryption", allowed: encryptionKeys) else { return nil }
        let cipher = readChoice(reader, key: "cipher", BlockCipher.self)
        if !reader.has("cipher") {
            reader.log.error("encryption needs 'cipher' (sm4, aes-128, aes-192, aes-256)", at: reader.position)
        }
        let mode = readChoice(reader, key: "mode", CipherMode.self)
        if !reader.has("mode") { reader.log.error("encryption needs 'mode' (cbc or ecb)", at: reader.position) }
        let padding = readChoice(reader, key: "padding", CipherPadding.self) ?? .pkcs7
        let pad = readPad(reader)
        let keyForm = readKeyForm(reader, key: "key_form", pad: pad) ?? .hex
        let ivForm = readKeyForm(reader, key: "iv_form", pad: pad) ?? .hex
        let output = readChoice(reader, key: "output", TextEncoding.self) ?? .base64
        let keySecret = reader.id("key", required: false) ?? "key"
        var ivSecret: String? = reader.id("iv", required: false)
        if mode == .cbc, ivSecret == nil { ivSecret = "iv" }
        if mode == .ecb, reader.has("iv") {
            reader.log.error("ECB takes no IV: remove 'iv' or use mode cbc", at: reader.position(of: "iv"))
        }
        guard let cipher, let mode else { return nil }
        return EncryptionSpec(
            suite: CipherSuite(cipher: cipher, mode: mode, padding: padding),
            keySecret: keySecret,
            keyForm: keyForm,
            ivSecret: mode == .cbc ? ivSecret : nil,
            ivForm: ivForm,
            output: output
        )
    }

    private static func readPad(_ reader: MappingReader) -> UInt8 {
        guard let node = reader.node("pad") else { return UInt8(ascii: " ") }
        if let number = YAMLNumber.int(node), (0...255).contains(number) { return UInt8(number) }
        if let text = node.scalar?.string, text.utf8.count == 1 { return text.utf8.first! }
        reader.log.error("'pad' is one character (\" \") or a byte value (0)", at: reader.position(of: "pad"))
        return UInt8(ascii: " ")
    }

    private static func readKeyForm(_ reader: MappingReader, key: String, pad: UInt8) -> KeyForm? {
        guard let text = reader.string(key) else { return nil }
        switch text {
        case "hex": return .hex
        case "base64": return .base64
        case "text": return .text
        case "padded_text": return .paddedText(pad: pad)
        default:
            reader.log.error(
                "'\(key)' in \(reader.context) is hex, base64, text or padded_text, not \(MappingReader.quoted(text))",
                at: reader.position(of: key)
            )
            return nil
        }
    }

    private static func readSigning(_ top: MappingReader) -> SigningSpec? {
        guard let reader = top.mapping("signing", context: "signing", allowed: signingKeys) else { return nil }
        let algorithm = readChoice(reader, key: "algorithm", SigningSpec.Algorithm.self)
        if !reader.has("algorithm") {
            reader.log.error("signing needs 'algorithm' (hmac-sha256 or hmac-sm3)", at: reader.position)
        }
        let header = reader.string("header", required: true)
        if let header, !isHeaderName(header) {
            reader.log.error(
                "'header' in signing must be a header name such as X-Signature",
                at: reader.position(of: "header")
            )
        }
        let keyForm = readKeyForm(reader, key: "key_form", pad: 0) ?? .text
        let output = readChoice(reader, key: "output", TextEncoding.self) ?? .hex
        guard let algorithm, let header else { return nil }
        return SigningSpec(
            algorithm: algorithm,
            keySecret: reader.id("key", required: false) ?? "sign_key",
            keyForm: keyForm,
            output: output,
            header: header
        )
    }

    private static func readReply(_ top: MappingReader) -> ReplyRule? {
        guard let reader = top.mapping("reply", context: "reply", allowed: replyKeys) else { return nil }
        let field = reader.string("field", required: true)
        func values(_ key: String) -> Set<String> {
            guard let node = reader.node(key) else { return [] }
            let items: [Node]
            if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
            var out = Set<String>()
            for item in items {
                guard let text = item.scalar?.string else {
                    reader.log.error(
                        "'\(key)' in reply lists values such as 0, true or \"OK\"",
                        at: reader.document.position(of: item)
                    )
                    continue
                }
                out.insert(text)
            }
            return out
        }
        let accepted = values("accepted")
        if accepted.isEmpty {
            reader.log.error("reply needs 'accepted': the values that mean the message was taken", at: reader.position)
        }
        let permanent = values("permanent")
        if let both = accepted.intersection(permanent).first {
            reader.log.error("'\(both)' is both accepted and permanent in reply", at: reader.position(of: "permanent"))
        }
        let otherwise = readChoice(reader, key: "otherwise", ReplyVerdict.Kind.self) ?? .temporary
        if otherwise == .accepted {
            reader.log.error(
                "'otherwise' in reply is temporary or permanent: an unknown answer is never an acknowledgement",
                at: reader.position(of: "otherwise")
            )
        }
        guard let field else { return nil }
        let path = field.split(separator: ".").map(String.init)
        return ReplyRule(field: path, accepted: accepted, permanent: permanent, otherwise: otherwise)
    }

    private static func readMessage(
        _ reader: MappingReader,
        kind: MessageKind,
        templates: inout TemplateReader,
        hasEncryption: Bool
    ) -> MessageSpec? {
        let grouping = readChoice(reader, key: "group", Grouping.self) ?? .batch
        if kind == .heartbeat, reader.has("group") {
            reader.log.error("a heartbeat is one message: remove 'group'", at: reader.position(of: "group"))
        }
        let maxRecords = reader.int("max_records", in: 1...100_000)
        let maxBytes = reader.int("max_bytes", in: 256...64_000_000)
        let encryptBody = reader.bool("encrypt_body") ?? false
        if encryptBody, !hasEncryption {
            reader.log.error("encrypt_body needs an 'encryption' section", at: reader.position(of: "encrypt_body"))
        }
        let withEvents = reader.bool("with_events") ?? false
        if withEvents, kind != .data {
            reader.log.error("with_events belongs to the data message", at: reader.position(of: "with_events"))
        }
        guard let node = reader.node("body", required: true), let body = templates.read(node) else { return nil }
        return MessageSpec(
            grouping: grouping,
            maxRecords: maxRecords,
            maxBytes: maxBytes,
            body: body,
            encryptBody: encryptBody,
            withEvents: withEvents
        )
    }
}

/// Names accepted in `alarm_levels`.
enum AlarmLevelNames {
    static let all = AlarmLevel.allCases.map(\.rawValue) + ["none"]
}

/// Names accepted in `event_kinds`.
enum GatewayEventNames {
    static let all = GatewayEvent.Kind.allCases.map(\.rawValue)
}
