import GatewayCore

/// `chemgate status`'s exit codes, the Nagios/Icinga/Zabbix convention: 0 OK, 1 WARNING,
/// 2 CRITICAL, 3 UNKNOWN (the status could not be read).
enum StatusExit: Int32, Comparable {
    case ok = 0
    case warning = 1
    case critical = 2
    case unknown = 3

    /// CRITICAL: a level-2 alarm, monitoring lost, a detector in fault or not answering.
    /// WARNING: a level-1 alarm, monitoring degraded, detectors inhibited or in maintenance, starting.
    init(_ badge: SiteVerdict.Badge) {
        switch badge {
        case .alarm2, .lost, .fault: self = .critical
        case .alarm1, .degraded, .inhibited, .starting: self = .warning
        case .ok: self = .ok
        }
    }

    var word: String {
        switch self {
        case .ok: "OK"
        case .warning: "WARNING"
        case .critical: "CRITICAL"
        case .unknown: "UNKNOWN"
        }
    }

    static func < (lhs: StatusExit, rhs: StatusExit) -> Bool { lhs.rawValue < rhs.rawValue }
}
