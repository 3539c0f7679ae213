/// Why a profile could not be used or a message not rendered, in words naming the profile, the
/// uplink or the setting to check.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
