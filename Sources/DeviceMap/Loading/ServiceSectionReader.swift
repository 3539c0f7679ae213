import Foundation
import Yams

/// Reads the `uplinks`, `storage` and `status` sections, so a typo there fails at `chemgate check`.
enum ServiceSectionReader {
    static let uplinkKeys = [
        "id", "url", "token_env", "hmac_secret_env", "batch_records", "batch_bytes", "batch_delay", "heartbeat", "gzip",
        "gzip_level", "ca_file", "client_cert", "client_key", "timeout", "connect_timeout", "live_window",
        "backlog_max_age", "backlog_max_growth", "profile", "profile_values", "profile_secrets",
    ]
    static let storageKeys = ["path", "retention", "max_size", "min_free"]
    static let statusKeys = ["listen", "token", "token_env", "time_zone"]

    /// - Parameter directory: the site file's directory; relative TLS file paths are resolved from it.
    static func uplinks(_ top: MappingReader, directory: String, profilesDirectory: String) -> [UplinkConfig] {
        var uplinks: [UplinkConfig] = []
        for node in top.sequence("uplinks") ?? [] {
            let name = (node.mapping?["id"]?.scalar?.string).map { "uplink \(MappingReader.quoted($0))" } ?? "an uplink"
            guard
                let reader = MappingReader(
                    node,
                    context: name,
                    allowed: uplinkKeys + MQTTUplinkReader.keys,
                    document: top.document,
                    log: top.log
                ),
                let id = reader.id(),
                let url = reader.string("url", required: true)
            else { continue }
            let mqtt = MQTTUplinkReader.isMQTT(url) ? MQTTUplinkReader.read(reader, url: url, name: name) : nil
            if MQTTUplinkReader.isMQTT(url) {
                // Checked by MQTTUplinkReader.
            } else if url.lowercased().hasPrefix("tcp://") {
                MQTTUplinkReader.rejectMQTTKeys(reader, name: name)
                if !reader.has("profile") {
                    top.log.error(
                        "the url of \(name) is tcp://, which only a platform profile with a tcp transport sends "
                            + "(add 'profile:'); chemgate's own format goes over http:// or https://",
                        at: reader.position(of: "url")
                    )
                } else if let problem = UplinkURL.tcpProblem(url) {
                    top.log.error("the url of \(name) \(problem)", at: reader.position(of: "url"))
                }
            } else {
                // `in_flight` is also the number of batches an HTTP uplink keeps in flight.
                MQTTUplinkReader.rejectMQTTKeys(reader, name: name, except: ["in_flight"])
                if let problem = UplinkURL.problem(url) {
                    top.log.error("the url of \(name) \(problem)", at: reader.position(of: "url"))
                }
            }
            let environment = ["token_env", "hmac_secret_env"].map { key in environmentName(reader, key: key) }
            if let suffix = ["/batches", "/heartbeats"].first(where: { url.hasSuffix($0) || url.hasSuffix($0 + "/") }) {
                top.log.warning(
                    "the url of \(name) ends in \(suffix): it is the platform's base URL, to which chemgate adds "
                        + "/batches and /heartbeats",
                    at: reader.position(of: "url")
                )
            }
            let tlsFiles = ["ca_file", "client_cert", "client_key"].map { key in
                tlsFile(reader, key: key, directory: directory)
            }
            if (tlsFiles[1] == nil) != (tlsFiles[2] == nil) {
                let present = tlsFiles[1] == nil ? "client_key" : "client_cert"
                top.log.error(
                    "\(name) has \(present) without \(present == "client_key" ? "client_cert" : "client_key"): "
                        + "a client certificate needs both",
                    at: reader.position(of: present)
                )
            }
            if tlsFiles.contains(where: { $0 != nil }), !url.hasPrefix("https://"), !url.hasPrefix("mqtts://") {
                top.log.error(
                    "\(name) has TLS files but its url is not https:// (or mqtts://)",
                    at: reader.position(of: "url")
                )
            }
            if uplinks.contains(where: { $0.id == id }) {
                top.log.error("duplicate uplink id '\(id)'", at: reader.position(of: "id"))
            }
            var uplink =
                UplinkConfig(
                    id: id,
                    url: url,
                    tokenEnvironment: environment[0],
                    hmacSecretEnvironment: environment[1],
                    batchRecords: reader.int("batch_records", in: 1...100_000) ?? 5000,
                    batchBytes: reader.int("batch_bytes", in: 1024...64_000_000) ?? 1_000_000,
                    batchDelay: reader.duration("batch_delay", in: ConfigLimits.batchDelay) ?? .milliseconds(50),
                    heartbeat: reader.duration("heartbeat", in: ConfigLimits.heartbeat) ?? .seconds(30),
                    gzip: reader.bool("gzip") ?? true,
                    caFile: tlsFiles[0],
                    clientCertificate: tlsFiles[1],
                    clientKey: tlsFiles[2],
                    timeout: reader.duration("timeout", in: ConfigLimits.uplinkTimeout) ?? .seconds(10),
                    connectTimeout: reader.duration("connect_timeout", in: ConfigLimits.uplinkTimeout) ?? .seconds(3),
                    liveWindow: reader.duration("live_window", in: ConfigLimits.liveWindow) ?? .seconds(10),
                    backlogMaxAge: reader.duration("backlog_max_age", in: ConfigLimits.backlogThreshold)
                        ?? .seconds(60),
                    backlogMaxGrowth: reader.duration("backlog_max_growth", in: ConfigLimits.backlogThreshold)
                        ?? .seconds(60),
                    mqtt: mqtt
                )
            if let level = reader.int("gzip_level", in: 1...9) { uplink.gzipLevel = level }
            if mqtt == nil, !url.lowercased().hasPrefix("tcp://"), let inFlight = reader.int("in_flight", in: 1...64) {
                uplink.inFlight = inFlight
            }
            readProfile(reader, into: &uplink, profilesDirectory: profilesDirectory)
            uplinks.append(uplink)
        }
        return uplinks
    }

    /// The name of an environment variable: letters, digits and '_', not starting with a digit.
    static func environmentName(_ reader: MappingReader, key: String) -> String? {
        guard let name = reader.string(key) else { return nil }
        let valid =
            name.utf8.count <= 128 && name.first?.isNumber == false
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
            }
        guard valid else {
            reader.log.error(
                "'\(key)' in \(reader.context) is the name of an environment variable (letters, digits and '_', such as PARK_TOKEN), not \(MappingReader.quoted(name))",
                at: reader.position(of: key)
            )
            return nil
        }
        return name
    }

    /// A TLS file of an uplink, resolved against the site file's directory; an error when it does not exist.
    private static func tlsFile(_ reader: MappingReader, key: String, directory: String) -> String? {
        guard let path = reader.string(key) else { return nil }
        let resolved = path.hasPrefix("/") ? path : directory + "/" + path
        if !FileManager.default.fileExists(atPath: resolved) {
            reader.log.error(
                "\(key) '\(path)' of \(reader.context) does not exist (looked at \(resolved))",
                at: reader.position(of: key)
            )
        }
        return resolved
    }

    static let pollingKeys = [
        "retries", "demote_after", "probe_interval", "stale_after_periods", "snapshot_interval", "report",
    ]

    static func polling(_ top: MappingReader) -> PollingSettings {
        var polling = PollingSettings()
        guard let reader = top.mapping("polling", context: "polling", allowed: pollingKeys) else { return polling }
        polling.retries = reader.int("retries", in: 0...5) ?? polling.retries
        polling.demoteAfter = reader.int("demote_after", in: 1...100) ?? polling.demoteAfter
        polling.probeInterval =
            reader.duration("probe_interval", in: ConfigLimits.probeInterval) ?? polling.probeInterval
        polling.staleAfterPeriods = reader.int("stale_after_periods", in: 2...100) ?? polling.staleAfterPeriods
        polling.snapshotInterval =
            reader.duration("snapshot_interval", in: ConfigLimits.snapshotInterval) ?? polling.snapshotInterval
        polling.report = ReportModeReader.read(reader) ?? polling.report
        if polling.snapshotInterval < .seconds(1) {
            reader.log.error("snapshot_interval must be at least 1s", at: reader.position(of: "snapshot_interval"))
        }
        return polling
    }

    /// - Parameter directory: the site file's directory; a relative `path` resolves from it, as every
    ///   other path of the site file does (not from the working directory of whoever runs chemgate).
    static func storage(_ top: MappingReader, directory: String) -> StorageConfig {
        var storage = StorageConfig()
        func resolved(_ path: String) -> String { path.hasPrefix("/") ? path : directory + "/" + path }
        guard let reader = top.mapping("storage", context: "storage", allowed: storageKeys) else {
            storage.path = resolved(storage.path)
            return storage
        }
        storage.path = resolved(reader.string("path") ?? storage.path)
        if let retention = reader.duration("retention", in: ConfigLimits.retention) {
            if retention < .seconds(30 * 86400) {
                reader.log.warning(
                    "retention \(DurationText.format(retention)) is under the 30 days major hazard sources must keep (Order No. 40)",
                    at: reader.position(of: "retention")
                )
            }
            storage.retention = retention
        }
        if let text = reader.string("max_size") {
            let range = ConfigLimits.maxSize
            if let bytes = ByteSizeText.parse(text, in: range) {
                storage.maxBytes = bytes
            } else {
                reader.log.error(
                    "max_size is a size from 1MB to 100TB, such as 500MB or 2GB, not \(MappingReader.quoted(text))",
                    at: reader.position(of: "max_size")
                )
            }
        }
        if let text = reader.string("min_free") {
            let range = ConfigLimits.minFreePercent
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)),
                percent.isFinite, range.contains(percent)
            {
                storage.minFree = percent / 100
            } else {
                reader.log.error(
                    "min_free is a share of the log's file system from 0% to 50%, such as 5% or 10%, not "
                        + MappingReader.quoted(text),
                    at: reader.position(of: "min_free")
                )
            }
        }
        return storage
    }

    static func status(_ top: MappingReader) -> StatusConfig {
        var status = StatusConfig()
        guard let reader = top.mapping("status", context: "status", allowed: statusKeys) else { return status }
        if let listen = reader.string("listen") {
            let parts = listen.split(separator: ":")
            if parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) {
                status.host = String(parts[0])
                status.port = port
            } else {
                reader.log.error(
                    "listen is HOST:PORT, such as 127.0.0.1:8080, not '\(listen)'",
                    at: reader.position(of: "listen")
                )
            }
        }
        status.token = reader.string("token")
        status.tokenEnvironment = reader.string("token_env")
        if let zone = reader.string("time_zone") {
            if TimeZone(identifier: zone) != nil {
                status.timeZone = zone
            } else {
                reader.log.error(
                    "time_zone is an IANA time zone such as Asia/Shanghai, not '\(zone)'",
                    at: reader.position(of: "time_zone")
                )
            }
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(status.host)
        if !loopback, status.token == nil, status.tokenEnvironment == nil {
            reader.log.error(
                "the status endpoint listens on \(status.host), beyond this machine: set 'token_env' (or 'token') so remote readers must authenticate",
                at: reader.position(of: "listen")
            )
        }
        if status.token != nil {
            reader.log.warning(
                "a token written in the file is readable by anyone who can read it: prefer token_env",
                at: reader.position(of: "token")
            )
        }
        return status
    }
}

/// Sizes such as `500MB`, `2GB`, `1024` (bytes).
enum ByteSizeText {
    /// - Returns: the size in bytes, or nil when it is not a size or lies outside `range`
    ///   (checked before converting, so `99999999999999TB` and `infGB` cannot trap).
    static func parse(_ text: String, in range: ClosedRange<Int>) -> Int? {
        let units: [(String, Double)] = [("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1)]
        let upper = text.trimmingSpaces.uppercased()
        let number: Double?
        if let unit = units.first(where: { upper.hasSuffix($0.0) }) {
            let digits = String(upper.dropLast(unit.0.count)).trimmingSpaces
            let plain = digits.unicodeScalars.allSatisfy { "0123456789.".unicodeScalars.contains($0) }
            number = plain ? Double(digits).map { $0 * unit.1 } : nil
        } else {
            number = upper.allSatisfy(\.isASCII) ? Double(upper) : nil
        }
        guard let number, number.isFinite, number >= Double(range.lowerBound), number <= Double(range.upperBound)
        else { return nil }
        return Int(number.rounded())
    }
}
