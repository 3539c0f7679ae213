import GatewayCore

/// `chemgate status`'s exit codes, the Nagios/Icinga/Zabbix convention: 0 OK, 1 WARNING,
/// 2 CRITICAL, 3 UNKNOWN (the status could not be read).
enum StatusExit: Int32, Comparable {
    case ok = 0
    case warning = 1
    case critical = 2
    case unknown = 3

    /// The worst of the three truths, whichever the badge shows. CRITICAL: a level-2 alarm,
    /// monitoring lost, a detector in fault or not answering. WARNING: a level-1 alarm, monitoring
    /// degraded or starting, detectors in calibration, maintenance or warm-up.
    init(_ verdict: SiteVerdict) {
        let unprotected = verdict.notProtecting.contains { $0.reason == .fault || $0.reason == .notAnswering }
        if verdict.alarmsLevel2 > 0 || verdict.monitoring == .lost || unprotected {
            self = .critical
        } else if verdict.alarmsLevel1 > 0 || verdict.monitoring != .intact || !verdict.notProtecting.isEmpty {
            self = .warning
        } else {
            self = .ok
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
