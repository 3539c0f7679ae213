import GatewayCore

extension PointProcessor.PointState {
    /// The alarm state last handed to the sink (or restored): a change is stored, a repeat is not.
    /// Held in a shared, immutable box: most points never raise an alarm, and an `AlarmMemory?` inline
    /// made every point's state 48 bytes wider (issue #19: ≤ 1 KB per configured point).
    var memory: AlarmMemory? {
        get { memoryBox?.memory }
        set { memoryBox = newValue.map(AlarmMemoryBox.init) }
    }
}

/// One point's alarm memory, never changed once made: a copy of a point's state that sets its own
/// makes a new box, so copies stay independent values.
final class AlarmMemoryBox: Sendable {
    let memory: AlarmMemory

    init(_ memory: AlarmMemory) { self.memory = memory }
}
