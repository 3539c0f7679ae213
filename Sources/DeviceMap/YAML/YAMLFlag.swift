package import Yams

/// `true` and `false` read from YAML scalars as YAML 1.1 writes them, without Yams' tag resolution:
/// the files are composed with Yams' basic resolver (``YAMLDocument/parse(_:name:log:)``), whose
/// default one compiles seven regular expressions with ICU on first use (about 2 MB of ICU's code and
/// data resident for the gateway's life, BENCHMARKS.md round 15).
package enum YAMLFlag {
    /// `true`, `yes`, `on` and `false`, `no`, `off`, each in lower case, capitalised or upper case, in a
    /// plain scalar (`"true"` in quotes is text).
    /// - Returns: nil for anything else.
    package static func bool(_ node: Node) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .any || scalar.style == .plain else { return nil }
        switch scalar.string {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }
}
