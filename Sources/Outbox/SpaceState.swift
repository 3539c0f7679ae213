/// What ``DurableLog/watchSpace()`` last found about the log's file system.
struct SpaceState: Sendable {
    /// The cap in force on the database (`page_count × page_size`): ``DurableLog/databaseCap(_:)`` of
    /// ``LogOptions/maxBytes``, or less while free space is below ``LogOptions/minFree``.
    var cap: Int
    /// Set while free space is low: what the status shows.
    var problem: String?
}
