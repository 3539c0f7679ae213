/// A TLS file that cannot be used, with the file and what to check.
public struct TLSFileError: Error, CustomStringConvertible, Sendable {
    /// The setting that names the file, e.g. `uplinks[park].ca_file` or `--tls-cert`.
    public var setting: String
    /// The file as configured.
    public var path: String
    /// What is wrong with it.
    public var problem: String

    public init(setting: String, path: String, problem: String) {
        self.setting = setting
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(setting) '\(path)': \(problem)" }
}
