/// Why a frame was not delivered. Never thrown for a frame that was written and (where a reply is
/// expected) answered.
public struct FramedTCPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The connection could not be opened (refused, unreachable, timed out); a retry is scheduled.
        case connect
        /// The connection closed or failed before the frame was fully written or answered.
        case closed
        /// No reply came within the reply timeout; the connection is closed (a late reply could not be matched).
        case replyTimeout
        /// A reply frame was larger than allowed, or the frame to send is larger than its length prefix holds.
        case tooLarge
        /// The client was shut down.
        case shutDown
    }

    public var code: Code
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
