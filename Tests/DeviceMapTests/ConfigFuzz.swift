import Foundation
import GatewayCore

/// A site configuration and its device map with random values in random fields: huge, negative, zero,
/// NaN, infinite, Unicode, control characters, long text, aliases (and alias bombs), tags, lists,
/// mappings and deep nesting. Deterministic for a seed.
struct ConfigFuzz: CustomStringConvertible {
    var site: String
    var map: String
    /// The fields changed, with their new values, for failure messages.
    var changes: [String]

    var description: String { "changed \(changes.joined(separator: "; "))" }

    /// Every field of the site file, with a valid value, in the order written.
    static let siteFields: [(String, String)] = [
        ("gateway.id", "GW-1"), ("gateway.enterprise", "E-1"), ("gateway.name", "Site"),
        ("link.id", "plc"), ("link.endpoint", "\"tcp://127.0.0.1:502\""), ("link.timeout", "300ms"),
        ("link.byte_timeout", "100ms"), ("link.reconnect_after_timeouts", "3"), ("link.description", "main"),
        ("scan.fast", "1s"), ("scan.normal", "5s"), ("default_scan", "normal"),
        ("device.id", "d1"), ("device.name", "T-101"), ("device.location", "罐区A"), ("device.link", "plc"),
        ("device.unit", "1"), ("device.scan", "fast"), ("device.enabled", "true"), ("device.maintenance", "false"),
        ("override.indicator", "LEL-1"), ("override.scan", "normal"), ("override.enabled", "true"),
        ("override.report_deadband", "0.5"), ("override.frozen_after", "10m"), ("override.level1", "20"),
        ("override.level2", "40"), ("override.deadband", "1"), ("override.on_delay", "2s"),
        ("override.off_delay", "2s"),
        ("uplink.id", "park"), ("uplink.url", "\"https://park.example/api\""), ("uplink.token_env", "PARK_TOKEN"),
        ("uplink.hmac_secret_env", "PARK_SECRET"), ("uplink.batch_records", "500"), ("uplink.batch_bytes", "100000"),
        ("uplink.batch_delay", "1s"), ("uplink.heartbeat", "30s"), ("uplink.gzip", "true"), ("uplink.timeout", "10s"),
        ("storage.path", "chemgate.sqlite"), ("storage.retention", "30d"), ("storage.max_size", "2GB"),
        ("status.listen", "\"127.0.0.1:8080\""), ("status.token_env", "STATUS_TOKEN"),
        ("polling.retries", "1"), ("polling.demote_after", "3"), ("polling.probe_interval", "30s"),
        ("polling.stale_after_periods", "3"), ("polling.snapshot_interval", "60s"),
    ]

    /// Every field of the device map.
    static let mapFields: [(String, String)] = [
        ("vendor", "Test"), ("model", "Fuzz"), ("source.document", "fixture"), ("source.page", "12"),
        ("defaults.byte_order", "CDAB"), ("defaults.max_registers", "100"), ("defaults.max_bits", "2000"),
        ("defaults.max_gap", "2"), ("defaults.request_pause", "10ms"), ("defaults.connect_pause", "0ms"),
        ("defaults.single_register", "false"), ("defaults.turnaround", "20ms"),
        ("forbidden.from", "100"), ("forbidden.to", "110"), ("channels", "2"),
        ("lel.id", "lel"), ("lel.address", "0"), ("lel.type", "int16"), ("lel.scale", "0.1"), ("lel.offset", "0"),
        ("lel.decimals", "1"), ("lel.measuring_range", "[0, 100]"), ("lel.sentinel", "0x7FFF"),
        ("lel.level1", "25"), ("lel.level2", "50"), ("lel.report_deadband", "0.5"), ("lel.frozen_after", "1h"),
        ("level.address", "2"), ("level.raw", "[4000, 20000]"), ("level.engineering", "[0, 12.5]"),
        ("level.type", "float32"), ("fault.address", "4"), ("fault.bit", "2"), ("state.address", "5"),
        ("state.key", "2"), ("chan.address", "10"), ("chan.stride", "2"),
    ]

    static let nastyNumbers = [
        "0", "-0", "-1", "1e300", "-1e300", "1e-300", ".inf", "-.inf", ".nan", "99999999999999999999999",
        "0x7FFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFF", "-9223372036854775808", "9223372036854775807",
        "1:1:1:1:1:1:1:1:1:1:1:1", "-1:0:0:0:0:0:0:0:0:0:0:0:0", "0o777", "0b101", "1_000", "0.5", "65535",
        "65536", "255", "256", "125", "126", "2001", "4097", "1e15", "1.7976931348623157e308", "4.9e-324",
    ]
    static let nastyDurations = [
        "0s", "0ms", "1e300s", "1e300d", "infs", "nans", "-1s", "1.5s", "9223372036854775807ms", "0.0001ms",
        "1e15ms", "99999999d", "10ms", "100ms", "1s", "1h", "30d", "3650d", "1e12d", "5", "s", "1 s", "1e-300s",
    ]
    static let nastySizes = [
        "1B", "0", "-1GB", "infGB", "nanMB", "99999999999999TB", "1e400B", "500MB", "2GB", "1e20",
        "9223372036854775807",
        "0x10MB", "1.5GB", "TB",
    ]
    static let nastyText = [
        "\"\"", "''", "\"a/b\"", "../../etc/passwd", "\"d1\\x07\\x1b[2J\"", "\"\\u0000\"", "\"line\\nbreak\"",
        "浓度", "\"🔥\"", "\"\\u202E\"", "\"\\u2028\"", "\"  spaced  \"", "'it''s'", "\"x\\ty\"",
        "!!str 5", "!!binary aGk=", "!custom x", "!!int 5", "!!float .nan", "!!null ''",
        "[]", "{}", "[1, 2]", "{a: 1}", "null", "~", "true", "&anchor 5", "*undefined", "*gw", "{*gw : x}",
        "? x", "- x", "'", "\"", "[", "{", "#", "x: y", ": x", "|", ">", "%", "@x", "`x`",
    ]
    static let nastyURLs = [
        "\"https://user:secret-pw@park.example/api\"", "\"http://\"", "\"https://park.example:99999/api\"",
        "\"https://park.example/a b\"", "\"https://[::1]:8080/x\"", "\"http://h:0/\"", "\"ftp://h/x\"",
        "\"https://:pw@h/\"", "\"https://h/#frag\"", "\"https://h:-1/\"", "\"https://h:8080\"",
        "\"tcp://10.0.0.5:99999\"", "\"tcp://:502\"", "\"rtu:///dev/ttyS0?baud=0\"",
        "\"rtu:///dev/ttyS0?baud=99999999999999999999\"", "\"rtu:///dev/ttyS0?baud=9600&parity=X\"",
        "\"rtu:///dev/ttyS0?baud=9600&data=99999999999999999999&stop=-1\"", "\"tcp://[::1]:502\"",
        "\"udp://h:1\"", "\"tcp://h:502?timeout=1e300\"",
    ]

    /// A value a field might receive: field-shaped nastiness half of the time, anything otherwise.
    static func value(for field: String, using random: inout SplitMix64) -> String {
        let pools = [nastyNumbers, nastyDurations, nastySizes, nastyText, nastyURLs]
        if Int.random(in: 0..<10, using: &random) == 0 { return generated(using: &random) }
        if Bool.random(using: &random) {
            let pool: [String]
            switch field {
            case _ where field.hasSuffix("url") || field.hasSuffix("endpoint"): pool = nastyURLs
            case _ where field.hasSuffix("max_size"): pool = nastySizes
            case _
            where ["timeout", "delay", "heartbeat", "interval", "retention", "pause", "turnaround", "after", "scan."]
                .contains(where: field.contains):
                pool = nastyDurations
            case _ where field.hasSuffix("id") || field.hasSuffix("env") || field.hasSuffix("name"): pool = nastyText
            default: pool = nastyNumbers
            }
            return pool.randomElement(using: &random)!
        }
        return pools.randomElement(using: &random)!.randomElement(using: &random)!
    }

    /// Values built on the spot: long text, random code points, alias bombs, deep nesting.
    static func generated(using random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            return String(repeating: "x", count: [65, 4097, 20_000].randomElement(using: &random)!)
        case 1:
            let scalars = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                String(
                    format: "\\U%08X",
                    [0x01, 0x1F, 0x7F, 0x85, 0xA0, 0x4E2D, 0xFEFF, 0x1F525, 0x10FFFF]
                        .randomElement(using: &random)!
                )
            }
            return "\"" + scalars.joined() + "\""
        case 2:
            let width = Int.random(in: 2...12, using: &random)
            let depth = Int.random(in: 2...9, using: &random)
            let tag = Int.random(in: 0..<1_000_000, using: &random)
            var levels = ["&b\(tag)0 [" + Array(repeating: "lol", count: width).joined(separator: ", ") + "]"]
            for level in 1..<depth {
                levels.append(
                    "&b\(tag)\(level) ["
                        + Array(repeating: "*b\(tag)\(level - 1)", count: width).joined(separator: ", ") + "]"
                )
            }
            return "[" + levels.joined(separator: ", ") + "]"
        case 3:
            let depth = Int.random(in: 30...2000, using: &random)
            return String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        case 4:
            return "\(Double(bitPattern: random.next()))"
        default:
            return
                "\(Int64(bitPattern: random.next()))\(["", "ms", "s", "d", "GB", "TB"].randomElement(using: &random)!)"
        }
    }

    static func make(seed: UInt64) -> ConfigFuzz {
        var random = SplitMix64(seed: seed)
        var site = Dictionary(uniqueKeysWithValues: siteFields)
        var map = Dictionary(uniqueKeysWithValues: mapFields)
        var changes: [String] = []
        let count = [1, 1, 1, 2, 2, 3, 5, 12].randomElement(using: &random)!
        for _ in 0..<count {
            let inSite = Int.random(in: 0..<(siteFields.count + mapFields.count), using: &random) < siteFields.count
            let field =
                inSite ? siteFields.randomElement(using: &random)!.0 : mapFields.randomElement(using: &random)!.0
            let value = value(for: field, using: &random)
            if inSite { site[field] = value } else { map[field] = value }
            changes.append("\(inSite ? "site" : "map") \(field) = \(value.prefix(80))")
        }
        return ConfigFuzz(site: siteText(site), map: mapText(map), changes: changes)
    }

    static func siteText(_ v: [String: String]) -> String {
        """
        gateway: &gw { id: \(v["gateway.id"]!), enterprise: \(v["gateway.enterprise"]!), name: \(v["gateway.name"]!) }
        devices_path: maps
        links:
          - { id: \(v["link.id"]!), endpoint: \(v["link.endpoint"]!), timeout: \(v["link.timeout"]!), byte_timeout: \(v["link.byte_timeout"]!), reconnect_after_timeouts: \(v["link.reconnect_after_timeouts"]!), description: \(v["link.description"]!) }
        scan_classes: { fast: \(v["scan.fast"]!), normal: \(v["scan.normal"]!) }
        default_scan: \(v["default_scan"]!)
        devices:
          - id: \(v["device.id"]!)
            name: \(v["device.name"]!)
            location: \(v["device.location"]!)
            link: \(v["device.link"]!)
            unit: \(v["device.unit"]!)
            map: test/fuzz
            scan: \(v["device.scan"]!)
            enabled: \(v["device.enabled"]!)
            maintenance: \(v["device.maintenance"]!)
            points:
              lel:
                indicator: \(v["override.indicator"]!)
                scan: \(v["override.scan"]!)
                enabled: \(v["override.enabled"]!)
                report_deadband: \(v["override.report_deadband"]!)
                frozen_after: \(v["override.frozen_after"]!)
                alarms: { level1: \(v["override.level1"]!), level2: \(v["override.level2"]!), deadband: \(v["override.deadband"]!), on_delay: \(v["override.on_delay"]!), off_delay: \(v["override.off_delay"]!) }
        uplinks:
          - id: \(v["uplink.id"]!)
            url: \(v["uplink.url"]!)
            token_env: \(v["uplink.token_env"]!)
            hmac_secret_env: \(v["uplink.hmac_secret_env"]!)
            batch_records: \(v["uplink.batch_records"]!)
            batch_bytes: \(v["uplink.batch_bytes"]!)
            batch_delay: \(v["uplink.batch_delay"]!)
            heartbeat: \(v["uplink.heartbeat"]!)
            gzip: \(v["uplink.gzip"]!)
            timeout: \(v["uplink.timeout"]!)
        storage: { path: \(v["storage.path"]!), retention: \(v["storage.retention"]!), max_size: \(v["storage.max_size"]!) }
        status: { listen: \(v["status.listen"]!), token_env: \(v["status.token_env"]!) }
        polling:
          retries: \(v["polling.retries"]!)
          demote_after: \(v["polling.demote_after"]!)
          probe_interval: \(v["polling.probe_interval"]!)
          stale_after_periods: \(v["polling.stale_after_periods"]!)
          snapshot_interval: \(v["polling.snapshot_interval"]!)

        """
    }

    static func mapText(_ v: [String: String]) -> String {
        """
        vendor: \(v["vendor"]!)
        model: \(v["model"]!)
        source: { document: \(v["source.document"]!), page: \(v["source.page"]!) }
        defaults:
          byte_order: \(v["defaults.byte_order"]!)
          max_registers: \(v["defaults.max_registers"]!)
          max_bits: \(v["defaults.max_bits"]!)
          max_gap: \(v["defaults.max_gap"]!)
          request_pause: \(v["defaults.request_pause"]!)
          connect_pause: \(v["defaults.connect_pause"]!)
          single_register: \(v["defaults.single_register"]!)
          turnaround: \(v["defaults.turnaround"]!)
        forbidden: [ { table: holding, from: \(v["forbidden.from"]!), to: \(v["forbidden.to"]!) } ]
        channels: \(v["channels"]!)
        points:
          - id: \(v["lel.id"]!)
            table: holding
            address: \(v["lel.address"]!)
            type: \(v["lel.type"]!)
            scale: \(v["lel.scale"]!)
            offset: \(v["lel.offset"]!)
            unit: "%LEL"
            decimals: \(v["lel.decimals"]!)
            category: gas
            measuring_range: \(v["lel.measuring_range"]!)
            sentinels: { \(v["lel.sentinel"]!): fault }
            alarms: { level1: \(v["lel.level1"]!), level2: \(v["lel.level2"]!) }
            report_deadband: \(v["lel.report_deadband"]!)
            frozen_after: \(v["lel.frozen_after"]!)
          - { id: level, table: holding, address: \(v["level.address"]!), type: \(v["level.type"]!), range: { raw: \(v["level.raw"]!), engineering: \(v["level.engineering"]!) }, unit: m, category: level }
          - { id: fault, table: holding, address: \(v["fault.address"]!), type: bit, bit: \(v["fault.bit"]!), status: fault }
          - { id: state, table: input, address: \(v["state.address"]!), type: uint16, states: { 0: ok, \(v["state.key"]!): { label: broken, status: fault } } }
          - { id: chan, table: input, address: \(v["chan.address"]!), type: int16, stride: \(v["chan.stride"]!), unit: "%LEL", category: gas }

        """
    }
}
