public import GatewayCore
import Synchronization

/// A fixed snapshot that records the point selection of each read, and answers it as the protocol's
/// default does (the whole snapshot, then only the points asked for): what a route or a summary asks
/// of the gateway.
public struct SelectionRecordingReporter: HealthReporting {
    final class Reads: Sendable {
        let asked = Mutex<[PointSelection]>([])
    }

    public let fixed: HealthSnapshot
    let reads = Reads()
    /// The selection of each read so far, in order.
    public var asked: [PointSelection] { reads.asked.withLock { $0 } }

    public init(fixed: HealthSnapshot) {
        self.fixed = fixed
    }

    public func snapshot() async -> HealthSnapshot { await snapshot(points: .all) }

    public func snapshot(points: PointSelection) async -> HealthSnapshot {
        reads.asked.withLock { $0.append(points) }
        return fixed.selecting(points)
    }

    public func setMaintenance(_ on: Bool, device: String) async -> Bool { false }
}
