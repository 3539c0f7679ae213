/// Why rows left the log without every destination having them, or at all: the keys of
/// ``DurableLog/dropCounts()`` and of the persisted `dropped` table.
public enum DropReason: String, Sendable, Hashable, CaseIterable {
    /// Older than the retention and acknowledged by every destination.
    case retention
    /// Removed for the size cap; every destination had acknowledged it.
    case sizeCapAcknowledged = "size_cap_acknowledged"
    /// Removed for the size cap before some destination acknowledged it: a reading lost upstream.
    /// Only non-alarm readings are ever dropped this way.
    case sizeCapUnacknowledged = "size_cap_unacknowledged"
}
