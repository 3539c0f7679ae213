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
            "config_mismatch",
        ] + (1...11).map { "device_exception_\($0)" }

    static func isHeaderName(_ name: String) -> Bool {
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
