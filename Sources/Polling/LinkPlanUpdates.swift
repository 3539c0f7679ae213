import DeviceMap
import Synchronization

/// The plan of a running link that a reload may replace (its devices' scan plans and the polling
/// settings), handed to the link's ``LinkPoller`` between cycles: the poller keeps its connection,
/// its schedule and what it knows of every unchanged device.
final class LinkPlanUpdates: Sendable {
    struct Plan: Sendable {
        var entries: [DeviceScanPlan]
        var settings: PollingSettings
    }

    private let state: Mutex<(version: Int, plan: Plan)>

    init(entries: [DeviceScanPlan], settings: PollingSettings) {
        state = Mutex((0, Plan(entries: entries, settings: settings)))
    }

    /// The plan in force.
    var current: Plan { state.withLock { $0.plan } }

    /// Replaces the plan; the poller takes it before its next cycle.
    func replace(entries: [DeviceScanPlan], settings: PollingSettings) {
        state.withLock { $0 = ($0.version + 1, Plan(entries: entries, settings: settings)) }
    }

    /// The plan, when it changed since `version` (which is then moved on).
    func take(after version: inout Int) -> Plan? {
        state.withLock { state in
            guard state.version != version else { return nil }
            version = state.version
            return state.plan
        }
    }
}

extension DeviceScanPlan {
    /// Whether two scan plans read the same points of a like-configured device the same way.
    func isPlanned(like other: DeviceScanPlan) -> Bool {
        device.isConfigured(like: other.device) && scanClass == other.scanClass && period == other.period
            && points == other.points && plan == other.plan
    }
}
