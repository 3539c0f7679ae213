import DeviceMap
import Modbus

/// What a reload may change while the gateway runs, and what only a restart applies.
///
/// Live: devices (added, removed, changed: map, unit, points, limits, maintenance…), links (endpoint and
/// options; a changed link restarts, the others keep polling), scan classes and `polling:`. Restart only:
/// `gateway:`, `storage:`, `status:`, `uplinks:`, `dtu_listen:` and DTU links that are new or changed
/// (the DTU listener knows its registrations from the start). Those keep their running values, and each
/// is named in ``restartNeeded`` (`storage.path changed: restart needed`).
struct ReloadScope {
    /// The configuration to run: the new file's, with the restart-only parts as they run now.
    let live: SiteConfig
    let restartNeeded: [String]
    let devicesAdded: [String]
    let devicesRemoved: [String]
    let devicesChanged: [String]

    /// - Parameters:
    ///   - running: the configuration in force (its restart-only parts as at start).
    ///   - new: the file now.
    init(running: SiteConfig, new: SiteConfig) {
        var live = new
        var restart: [String] = []
        func compare<T: Equatable>(_ name: String, _ keyPath: KeyPath<SiteConfig, T>) {
            if running[keyPath: keyPath] != new[keyPath: keyPath] { restart.append("\(name) changed: restart needed") }
        }
        compare("gateway", \.gateway)
        compare("storage.path", \.storage.path)
        compare("storage.retention", \.storage.retention)
        compare("storage.max_bytes", \.storage.maxBytes)
        compare("storage.min_free", \.storage.minFree)
        compare("status", \.status)
        compare("dtu_listen", \.dtuListener)
        let runningUplinks = Dictionary(running.uplinks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let newUplinks = Set(new.uplinks.map(\.id))
        for uplink in new.uplinks where runningUplinks[uplink.id] != uplink {
            restart.append(
                "uplink '\(uplink.id)' \(runningUplinks[uplink.id] == nil ? "added" : "changed"): restart needed"
            )
        }
        for uplink in running.uplinks where !newUplinks.contains(uplink.id) {
            restart.append("uplink '\(uplink.id)' removed: restart needed")
        }
        live.gateway = running.gateway
        live.storage = running.storage
        live.status = running.status
        live.uplinks = running.uplinks
        live.dtuListener = running.dtuListener
        // DTU links the listener does not know (new or changed): the running one stays, or none.
        let runningLinks = Dictionary(running.links.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        live.links = new.links.compactMap { link in
            guard link.dtu != nil, runningLinks[link.id] != link else { return link }
            restart.append(
                "DTU link '\(link.id)' \(runningLinks[link.id] == nil ? "added" : "changed"): restart needed"
            )
            return runningLinks[link.id]
        }
        self.live = live
        self.restartNeeded = restart
        let before = Dictionary(running.devices.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.devices.map(\.id))
        devicesAdded = new.devices.filter { before[$0.id] == nil }.map(\.id)
        devicesRemoved = running.devices.filter { !after.contains($0.id) }.map(\.id)
        devicesChanged = new.devices.filter { device in
            guard let old = before[device.id] else { return false }
            return !device.isConfigured(like: old)
                || Self.periods(of: device, in: running) != Self.periods(of: device, in: new)
                || device.points.map { running.reportMode(of: $0) } != device.points.map { new.reportMode(of: $0) }
        }.map(\.id)
    }

    private static func periods(of device: DeviceConfig, in site: SiteConfig) -> [Duration?] {
        device.points.map { site.scanClasses[$0.scanClass] }
    }
}
