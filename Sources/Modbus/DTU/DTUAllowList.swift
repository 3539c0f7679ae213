import Glibc

/// Addresses a DTU may connect from: IPv4 or IPv6 addresses and networks (`10.0.0.0/8`,
/// `192.168.1.20`, `fd00::/64`).
public struct DTUAllowList: Sendable, Hashable, CustomStringConvertible {
    struct Network: Sendable, Hashable {
        var family: Int32
        var address: [UInt8]
        var prefix: Int
        var text: String
    }

    var networks: [Network]

    /// Parses each entry.
    /// - Throws: ``ModbusError`` of kind `invalidEndpoint` naming the entry.
    public init(_ entries: [String]) throws(ModbusError) {
        var networks: [Network] = []
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let first = parts.first, case let (family, bytes)? = Self.parse(first) else {
                throw ModbusError(
                    .invalidEndpoint(
                        "'\(entry)' is not an IP address or network: write 192.168.1.20, 10.0.0.0/8 or fd00::/64"
                    )
                )
            }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let value = Int(parts[1]), (0...bytes.count * 8).contains(value) else {
                    throw ModbusError(
                        .invalidEndpoint("'\(entry)': the prefix length is 0 to \(bytes.count * 8)")
                    )
                }
                prefix = value
            }
            networks.append(Network(family: family, address: bytes, prefix: prefix, text: entry))
        }
        self.networks = networks
    }

    /// Whether `host` (an address as `TCPStream.peerAddress` gives it) is allowed.
    public func permits(_ host: String) -> Bool {
        guard case let (family, bytes)? = Self.parse(host) else { return false }
        return networks.contains { network in
            guard network.family == family else { return false }
            var bits = network.prefix
            for index in bytes.indices where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if bytes[index] & mask != network.address[index] & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    public var description: String { networks.map(\.text).joined(separator: ", ") }

    private static func parse(_ text: String) -> (Int32, [UInt8])? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return (AF_INET, withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return (AF_INET6, withUnsafeBytes(of: &v6) { Array($0) })
        }
        return nil
    }
}
