import Yams

extension ServiceSectionReader {
    /// Reads an uplink's `profile`, `profile_values` and `profile_secrets`. The profile file itself is
    /// loaded and checked by the PlatformProfile module (`chemgate check`), which DeviceMap does not see.
    static func readProfile(_ reader: MappingReader, into uplink: inout UplinkConfig, profilesDirectory: String) {
        if let profile = reader.string("profile"), profile == ThingsBoardProfileName.name {
            // Built in: the MQTT uplink's thingsboard-gateway format (MQTTUplinkReader), not a profile file.
            if uplink.mqtt == nil {
                reader.log.error(
                    "profile \(profile) of \(reader.context) is the built-in MQTT format of ThingsBoard's gateway API: "
                        + "its url is mqtt://HOST:PORT or mqtts://HOST:PORT",
                    at: reader.position(of: "profile")
                )
            }
        } else if let profile = reader.string("profile") {
            uplink.profile = profile
            uplink.profilesDirectory = profilesDirectory
            // (An MQTT uplink already warns that it ignores them.)
            for key in ["gzip", "gzip_level"] where uplink.mqtt == nil && reader.has(key) {
                reader.log.warning(
                    "'\(key)' of \(reader.context) has no effect: a platform profile's messages are never gzipped "
                        + "(docs/uplink-profiles.md)",
                    at: reader.position(of: key)
                )
            }
        }
        for (key, value) in reader.entries("profile_values") ?? [] {
            guard let name = key.scalar?.string, ConfigLimits.isSafeID(name) else {
                reader.log.error(
                    "a name in profile_values of \(reader.context) must be 1 to 64 of A–Z a–z 0–9 - _ ., not \(key.kindName)",
                    at: reader.document.position(of: key)
                )
                continue
            }
            guard case .scalar(let scalar) = value,
                let text = MappingReader.checkedText(
                    scalar.string,
                    key: name,
                    context: "profile_values of \(reader.context)",
                    at: reader.document.position(of: value),
                    log: reader.log
                )
            else {
                if value.scalar == nil {
                    reader.log.error(
                        "profile value '\(name)' of \(reader.context) must be text, not \(value.kindName)",
                        at: reader.document.position(of: value)
                    )
                }
                continue
            }
            uplink.profileValues[name] = text
        }
        for (key, value) in reader.entries("profile_secrets") ?? [] {
            guard let name = key.scalar?.string, ConfigLimits.isSafeID(name) else {
                reader.log.error(
                    "a name in profile_secrets of \(reader.context) must be 1 to 64 of A–Z a–z 0–9 - _ ., not \(key.kindName)",
                    at: reader.document.position(of: key)
                )
                continue
            }
            let text = value.scalar?.string ?? ""
            let isEnvironment = text.hasPrefix("env:") && isEnvironmentName(String(text.dropFirst(4)))
            let isFile = text.hasPrefix("file:") && text.count > 5 && ConfigLimits.controlCharacter(in: text) == nil
            guard isEnvironment || isFile else {
                // The line is not quoted: it may hold the secret itself.
                let position = reader.document.position(of: value)
                reader.log.add(
                    ConfigIssue(
                        .error,
                        file: position.file.name,
                        line: position.line,
                        column: position.column,
                        message: "secret '\(name)' of \(reader.context) says where the secret is read from: "
                            + "'env:VARIABLE' or 'file:PATH', never the secret itself"
                    )
                )
                continue
            }
            uplink.profileSecrets[name] = text
        }
    }

    private static func isEnvironmentName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && name.first?.isNumber == false
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
            }
    }
}
