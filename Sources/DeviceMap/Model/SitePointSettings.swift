/// A site's own settings of one point (``SitePoint``), held once in a shared ``Storage``.
struct SitePointSettings: Sendable, Hashable {
    var indicator: String? = nil
    var tag: String? = nil
    var platformName: String? = nil
    var hazardCode: String? = nil
    var alarms: AlarmLimits?

    /// One immutable copy of a point's site settings, shared by every copy of the point.
    final class Storage: Sendable {
        let fields: SitePointSettings

        init(_ fields: SitePointSettings) { self.fields = fields }
    }
}
