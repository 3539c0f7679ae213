public import Foundation

/// Reads an uplink's secrets from where `profile_secrets` says: `env:VARIABLE` or `file:PATH`.
public enum ProfileSecrets {
    /// The secrets' texts by name; a file's trailing line break is dropped.
    /// - Parameters:
    ///   - sources: `profile_secrets` of the uplink (name → `env:…` or `file:…`).
    ///   - what: names the uplink in errors.
    ///   - directory: relative file paths are resolved from it (the site file's directory).
    public static func read(
        _ sources: [String: String],
        what: String,
        directory: String = ".",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ProfileError) -> [String: String] {
        var secrets: [String: String] = [:]
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            if source.hasPrefix("env:") {
                let variable = String(source.dropFirst(4))
                guard let value = environment[variable], !value.isEmpty else {
                    throw ProfileError(
                        "\(what): the secret '\(name)' is read from the environment variable \(variable), which is not set"
                    )
                }
                secrets[name] = value
            } else if source.hasPrefix("file:") {
                let path = String(source.dropFirst(5))
                let resolved = path.hasPrefix("/") ? path : directory + "/" + path
                guard let data = FileManager.default.contents(atPath: resolved),
                    var text = String(data: data, encoding: .utf8)
                else {
                    throw ProfileError("\(what): cannot read the secret '\(name)' from \(resolved)")
                }
                while text.last?.isNewline == true { text.removeLast() }
                secrets[name] = text
            } else {
                throw ProfileError("\(what): the secret '\(name)' must be 'env:VARIABLE' or 'file:PATH'")
            }
        }
        return secrets
    }
}
