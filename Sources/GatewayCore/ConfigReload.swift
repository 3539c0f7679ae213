/// What a configuration reload did (SIGHUP, `chemgate reload`, `POST /reload`): applied, or refused
/// with the errors that kept the running configuration in force.
public struct ReloadOutcome: Sendable, Codable, Hashable {
    /// Whether the new configuration is in force.
    public var applied: Bool
    /// Why it was refused: `file:line:column: error: …`, one per problem.
    public var errors: [String] = []
    /// The configuration's warnings (it was applied nonetheless).
    public var warnings: [String] = []
    /// The hash of the configuration in force after the reload.
    public var configHash: String
    public var devicesAdded: [String] = []
    public var devicesRemoved: [String] = []
    /// Devices whose settings changed (their points' state starts afresh where it changed).
    public var devicesChanged: [String] = []
    /// Links restarted, because their endpoint or options changed (new links count too).
    public var linksRestarted: [String] = []
    public var linksStopped: [String] = []
    /// Changes in the file that only a restart applies: `storage.path changed: restart needed`.
    public var restartNeeded: [String] = []

    public init(applied: Bool, configHash: String) {
        self.applied = applied
        self.configHash = configHash
    }

    /// One line for the log, the event and the CLI.
    public var summary: String {
        guard applied else {
            let count = "\(errors.count) error\(errors.count == 1 ? "" : "s")"
            return "configuration not reloaded (\(count)): the running configuration stays"
        }
        var parts: [String] = []
        if !devicesAdded.isEmpty { parts.append("devices added: \(devicesAdded.joined(separator: ", "))") }
        if !devicesRemoved.isEmpty { parts.append("devices removed: \(devicesRemoved.joined(separator: ", "))") }
        if !devicesChanged.isEmpty { parts.append("devices changed: \(devicesChanged.joined(separator: ", "))") }
        if !linksRestarted.isEmpty { parts.append("links (re)started: \(linksRestarted.joined(separator: ", "))") }
        if !linksStopped.isEmpty { parts.append("links stopped: \(linksStopped.joined(separator: ", "))") }
        if parts.isEmpty { parts.append("no device or link changed") }
        if !restartNeeded.isEmpty { parts.append(restartNeeded.joined(separator: "; ")) }
        return "configuration reloaded (\(configHash.prefix(19))): " + parts.joined(separator: "; ")
    }
}

/// What reloads the configuration of a running gateway.
public protocol ConfigurationReloading: Sendable {
    /// Loads the site file again; applies it if valid, else keeps the running configuration.
    /// - Parameter trigger: who asked (`SIGHUP`, `POST /reload`), for the log.
    func reload(trigger: String) async -> ReloadOutcome
}
