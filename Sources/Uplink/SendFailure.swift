/// Why a request got no answer from the platform.
struct SendFailure: Error, CustomStringConvertible {
    /// What an operator reads (``SendFailureText``).
    var description: String
    /// The connection could not be made (refused, unreachable, no answer within `connect_timeout`):
    /// retried on the short schedule, as nothing reached the platform.
    var cannotConnect: Bool
}
