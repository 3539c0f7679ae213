import Foundation
import Synchronization

/// The site's time zone, looked up the first time the status page is drawn. Looking up a named
/// zone (`TimeZone(identifier:)`) loads ICU's time-zone data, several MB resident for the life of
/// the process; a gateway whose page nobody opens never pays for it.
final class LazyTimeZone: Sendable {
    private let make: @Sendable () -> TimeZone
    private let resolved = Mutex<TimeZone?>(nil)

    init(_ make: @escaping @Sendable () -> TimeZone) { self.make = make }

    var value: TimeZone {
        if let zone = resolved.withLock({ $0 }) { return zone }
        let zone = make()
        resolved.withLock { $0 = zone }
        return zone
    }
}
