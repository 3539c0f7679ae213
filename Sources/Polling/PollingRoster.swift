import DeviceMap
import Modbus
import Synchronization

/// The links ``PollingService`` polls and the site they come from; a reload replaces them
/// (``PollingService/apply(site:plan:)``) while the service runs, and the service starts and stops
/// pollers to match.
final class PollingRoster: Sendable {
    /// One polled link: its connection and its poller, under a generation that changes when the
    /// link must be restarted (its endpoint or options changed).
    struct Entry: Sendable {
        let generation: Int
        let link: ModbusLink
        let poller: LinkPoller
    }

    struct State: Sendable {
        var site: SiteConfig
        var plan: SitePlan
        var links: [String: Entry] = [:]
        var nextGeneration = 0
    }

    let state: Mutex<State>
    /// Wakes the service when the set of links changed.
    let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    init(site: SiteConfig, plan: SitePlan) {
        state = Mutex(State(site: site, plan: plan))
        (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var site: SiteConfig { state.withLock { $0.site } }

    var links: [String: ModbusLink] { state.withLock { $0.links.mapValues(\.link) } }

    var entries: [String: Entry] { state.withLock { $0.links } }

    func notifyChanged() { changed.yield() }

    func finish() { changed.finish() }
}

/// What a reload changed in polling.
public struct PollingChanges: Sendable, Hashable {
    /// Links started (new, or restarted because their endpoint or options changed).
    public var linksStarted: [String] = []
    /// Links whose pollers stopped (removed, or without enabled devices now).
    public var linksStopped: [String] = []
    /// Links that kept polling with a new plan (devices added, removed or changed on them).
    public var linksReplanned: [String] = []
    /// Links that kept polling untouched.
    public var linksUnchanged: [String] = []

    public init() {}
}
