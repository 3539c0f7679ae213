import Foundation
import GatewayCore

extension PointProcessor {
    /// The `clock_step` event for a step of the wall clock: its size in seconds as the value.
    nonisolated func clockStepEvent(_ step: ClockStepDetector.Step) -> GatewayEvent {
        let seconds = Double(step.milliseconds) / 1000
        let direction = step.milliseconds >= 0 ? "forward" : "backward"
        let size = String(format: "%.3f", abs(seconds))
        return GatewayEvent(
            kind: .clockStep,
            gateway: gateway,
            value: .number(seconds),
            unit: "s",
            timestamp: .now(),
            reason: "the wall clock jumped \(direction) \(size) s against the monotonic clock (an NTP step or "
                + "set by hand): readings taken until a minute after it carry clock: stepped"
        )
    }
}
