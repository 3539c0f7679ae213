/// When a point's readings are reported (`report:` on the site's `polling`, a scan class or a point).
public enum ReportMode: String, Sendable, Hashable, CaseIterable {
    /// By exception: a change beyond the point's `report_deadband`, or of quality (the default).
    case exception
    /// Every poll, changed or not: for a platform that needs continuous samples at the scan rate.
    case everyPoll = "every_poll"
}
