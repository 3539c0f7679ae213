import Glibc
import NIOCore

extension StatusServer {
    /// The status endpoint could not start, or stopped by itself, with the address, the setting
    /// (`status.listen`) and what to check.
    public struct Failure: Error, CustomStringConvertible {
        public let host: String
        public let port: Int
        /// The error the server reported, if any.
        public let cause: (any Error)?
        /// Whether the server had been listening when it failed.
        public let whileServing: Bool

        public init(host: String, port: Int, cause: (any Error)?, whileServing: Bool = false) {
            self.host = host
            self.port = port
            self.cause = cause
            self.whileServing = whileServing
        }

        /// Whether another process holds the address.
        public var addressInUse: Bool { (cause as? IOError)?.errnoCode == EADDRINUSE }

        public var description: String {
            let address = "\(host):\(port) (status.listen)"
            if whileServing {
                guard let cause else {
                    return "the status endpoint on \(address) stopped accepting connections by itself (see the log "
                        + "above); the gateway stops so that its supervisor restarts it"
                }
                return "the status endpoint on \(address) failed: \(cause)"
            }
            guard let cause else {
                return "the status endpoint on \(address) stopped before it was listening; see the log above"
            }
            switch (cause as? IOError)?.errnoCode {
            case EADDRINUSE:
                return "the status endpoint cannot listen on \(address): the address is in use; "
                    + "is another chemgate running? (ss -ltnp 'sport = :\(port)')"
            case EACCES:
                return "the status endpoint cannot listen on \(address): permission denied; "
                    + "ports below 1024 need privileges: choose a port above 1023"
            case EADDRNOTAVAIL:
                return "the status endpoint cannot listen on \(address): no interface of this machine "
                    + "has that address; check status.listen against 'ip -brief address'"
            case EMFILE, ENFILE:
                return "the status endpoint cannot listen on \(address): too many open files; "
                    + "raise the open-file limit (ulimit -n, LimitNOFILE= in the systemd unit)"
            default:
                return "the status endpoint cannot listen on \(address): \(cause)"
            }
        }
    }
}
