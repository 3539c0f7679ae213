import Foundation

/// Reads the MQTT settings of an `mqtt://` or `mqtts://` uplink (docs/mqtt.md).
enum MQTTUplinkReader {
    /// Keys only MQTT uplinks have.
    static let keys = [
        "format", "topic", "per", "live_topic", "status_topic", "heartbeat_topic", "device_name", "protocol",
        "keepalive",
        "client_id", "username_env", "password_env", "in_flight",
    ]
    static let placeholders = ["gateway", "enterprise", "device", "point", "lane"]

    static func isMQTT(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("mqtt://") || lower.hasPrefix("mqtts://")
    }

    /// The settings, with every problem logged at its key. - Parameter name: `uplink 'park'`.
    static func read(_ reader: MappingReader, url: String, name: String) -> MQTTUplinkConfig? {
        guard let (host, port, tls) = endpoint(url, reader: reader, name: name) else { return nil }
        var config = MQTTUplinkConfig(host: host, port: port, tls: tls)
        let httpOnly = ["token_env", "hmac_secret_env", "gzip", "gzip_level", "batch_bytes", "timeout"]
        for key in httpOnly where reader.has(key) {
            reader.log.warning(
                "'\(key)' of \(name) applies to http(s) uplinks only; an MQTT uplink ignores it "
                    + "(credentials: username_env and password_env)",
                at: reader.position(of: key)
            )
        }
        if let text = reader.string("format") {
            if let format = MQTTUplinkConfig.Format(rawValue: text) {
                config.format = format
            } else {
                reader.log.error(
                    "format of \(name) is chemgate or thingsboard-gateway, not \(MappingReader.quoted(text))",
                    at: reader.position(of: "format")
                )
            }
        }
        // `profile: thingsboard-gateway` is the built-in name of this format (docs/uplink-profiles.md).
        if reader.string("profile") == ThingsBoardProfileName.name { config.format = .thingsboardGateway }
        if let text = reader.string("per") {
            if let grouping = MQTTUplinkConfig.Grouping(rawValue: text) {
                config.grouping = grouping
            } else {
                reader.log.error(
                    "per of \(name) is batch, device or point (one message per …), not \(MappingReader.quoted(text))",
                    at: reader.position(of: "per")
                )
            }
        }
        let templates: [(String, WritableKeyPath<MQTTUplinkConfig, String>)] = [
            ("topic", \.topic), ("status_topic", \.statusTopic), ("heartbeat_topic", \.heartbeatTopic),
            ("device_name", \.deviceName),
        ]
        for (key, path) in templates {
            if let text = reader.string(key) { config[keyPath: path] = text }
            checkTemplate(config[keyPath: path], key: key, reader: reader, name: name, config: config)
        }
        if let live = reader.string("live_topic") {
            config.liveTopic = live
            checkTemplate(live, key: "live_topic", reader: reader, name: name, config: config)
        }
        if config.format == .thingsboardGateway, reader.has("topic") || reader.has("per") {
            reader.log.warning(
                "\(name) has format thingsboard-gateway, whose topics are fixed (v1/gateway/…): topic and per are ignored",
                at: reader.position(of: reader.has("topic") ? "topic" : "per")
            )
        }
        if let text = reader.string("protocol") {
            if ["3.1.1", "5"].contains(text) {
                config.protocolVersion = text
            } else {
                reader.log.error(
                    "protocol of \(name) is \"3.1.1\" or \"5\" (the MQTT version), not \(MappingReader.quoted(text))",
                    at: reader.position(of: "protocol")
                )
            }
        }
        config.keepalive = reader.duration("keepalive", in: .seconds(5) ... .seconds(65535)) ?? config.keepalive
        config.clientID = reader.string("client_id")
        if let id = config.clientID, id.utf8.count > 23, config.protocolVersion == "3.1.1" {
            reader.log.warning(
                "client_id of \(name) has \(id.utf8.count) bytes: MQTT 3.1.1 brokers need only accept 1 to 23",
                at: reader.position(of: "client_id")
            )
        }
        config.usernameEnvironment = ServiceSectionReader.environmentName(reader, key: "username_env")
        config.passwordEnvironment = ServiceSectionReader.environmentName(reader, key: "password_env")
        config.inFlight = reader.int("in_flight", in: 1...1000) ?? config.inFlight
        return config
    }

    /// Logs an error for another key of an HTTP uplink that only MQTT uplinks have (but those in `shared`).
    static func rejectMQTTKeys(_ reader: MappingReader, name: String, except shared: Set<String> = []) {
        for key in keys where reader.has(key) && !shared.contains(key) {
            reader.log.error(
                "'\(key)' of \(name) applies to mqtt:// and mqtts:// uplinks only",
                at: reader.position(of: key)
            )
        }
    }

    /// Host, port (1883 or 8883 by default) and TLS of an `mqtt://` or `mqtts://` URL.
    private static func endpoint(_ url: String, reader: MappingReader, name: String) -> (String, Int, Bool)? {
        let tls = url.lowercased().hasPrefix("mqtts://")
        let rest = url.dropFirst(tls ? 8 : 7)
        func fail(_ problem: String) -> (String, Int, Bool)? {
            reader.log.error("the url of \(name) \(problem)", at: reader.position(of: "url"))
            return nil
        }
        if rest.contains("@") {
            return fail(
                "holds a user name or password ('…@'): remove them and name the environment variables holding "
                    + "them with username_env and password_env"
            )
        }
        let authority = rest.prefix { $0 != "/" }
        if authority.count < rest.count, rest.dropFirst(authority.count) != "/" {
            return fail("is mqtt://HOST:PORT or mqtts://HOST:PORT without a path (topics are set with topic)")
        }
        var host = String(authority)
        var port = tls ? 8883 : 1883
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            let text = authority[authority.index(after: colon)...]
            guard let number = Int(text), (1...65535).contains(number) else {
                return fail("has port \(MappingReader.quoted(String(text))): a port is a number from 1 to 65535")
            }
            port = number
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace }) else {
            return fail("has no host: write it as mqtt://broker.example:1883 or mqtts://broker.example:8883")
        }
        return (host, port, tls)
    }

    private static func checkTemplate(
        _ template: String,
        key: String,
        reader: MappingReader,
        name: String,
        config: MQTTUplinkConfig
    ) {
        func fail(_ problem: String) { reader.log.error("\(key) of \(name) \(problem)", at: reader.position(of: key)) }
        if template.isEmpty { return fail("must not be empty") }
        if template.contains("#") || template.contains("+") {
            return fail("must not contain the wildcards '#' or '+' (they are for subscribing)")
        }
        var rest = Substring(template)
        var used: Set<String> = []
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return fail("has a '{' without '}'") }
            let placeholder = String(rest[rest.index(after: open)..<close])
            guard placeholders.contains(placeholder) else {
                return fail(
                    "has {\(placeholder)}: the placeholders are "
                        + placeholders.map { "{\($0)}" }.joined(separator: ", ")
                )
            }
            used.insert(placeholder)
            rest = rest[rest.index(after: close)...]
        }
        let perMessage: Set<String> = ["device", "point", "lane"]
        if !["topic", "device_name", "live_topic"].contains(key), !used.isDisjoint(with: perMessage) {
            return fail("may use {gateway} and {enterprise} only")
        }
        if key == "device_name", !used.isSubset(of: ["gateway", "device"]) {
            return fail("may use {gateway} and {device} only")
        }
        if key == "topic", used.contains("device"), config.grouping == .batch {
            fail("has {device}: set per: device (or point), so that each message holds one device")
        }
        if key == "topic", used.contains("point"), config.grouping != .point {
            fail("has {point}: set per: point, so that each message holds one point")
        }
    }
}
