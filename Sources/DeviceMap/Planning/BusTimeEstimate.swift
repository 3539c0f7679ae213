public import Modbus
public import Planner

/// How long one scan cycle keeps an RS-485 line busy, from the character format, frame sizes,
/// the devices' turnaround and pauses (ANCHORS.md §8.1):
/// `T = request + t3.5 + turnaround + response + t3.5 + pause` per read.
///
/// Behind a serial device server (`rtu+tcp://`) or a DTU (`dtu://`) each read also pays the network
/// round trip (`round_trip`: 20 ms and 300 ms by default): one transaction at a time, so the round
/// trip adds up read by read.
public struct BusTimeEstimate: Sendable, Hashable {
    public var link: String
    public var port: SerialPort
    /// The network round trip each read pays (zero on a local serial port).
    public var networkRoundTrip: Duration = .zero
    public var scanClass: String
    public var period: Duration
    /// Reads per cycle.
    public var reads: Int
    /// Bus time of one cycle when every device answers.
    public var cycle: Duration
    /// What one read costs when its device does not answer (the response timeout).
    public var timeoutCost: Duration
    /// Reads of the device with the most reads, which a dead device would turn into timeouts.
    public var largestDeviceReads: Int

    /// The share of the period the cycle takes.
    public var utilisation: Double { cycle / period }

    /// The cycle when the device with the most reads is dead.
    public var worstCycle: Duration { cycle + timeoutCost * largestDeviceReads }

    /// Estimates every RTU-framed link's bus time per scan class.
    public static func estimates(for config: SiteConfig, plan: SitePlan) -> [BusTimeEstimate] {
        var estimates: [BusTimeEstimate] = []
        for link in config.links {
            guard let port = link.endpoint.lineFormat else { continue }
            let roundTrip = link.estimatedRoundTrip
            let onLink = plan.entries(onLink: link.id)
            for (scanClass, period) in config.orderedScanClasses {
                let entries = onLink.filter { $0.scanClass == scanClass }
                guard !entries.isEmpty else { continue }
                var cycle = Duration.zero
                for entry in entries {
                    for read in entry.plan.reads {
                        cycle += transactionTime(read, port: port, turnaround: entry.device.map.defaults.turnaround)
                        cycle += entry.device.map.defaults.requestPause + roundTrip
                    }
                }
                estimates.append(
                    BusTimeEstimate(
                        link: link.id,
                        port: port,
                        networkRoundTrip: roundTrip,
                        scanClass: scanClass,
                        period: period,
                        reads: entries.reduce(0) { $0 + $1.plan.reads.count },
                        cycle: cycle,
                        timeoutCost: link.options.responseTimeout,
                        largestDeviceReads: entries.map(\.plan.reads.count).max() ?? 0
                    )
                )
            }
        }
        return estimates
    }

    /// One read's time on the wire.
    public static func transactionTime(_ read: PlannedRead, port: SerialPort, turnaround: Duration) -> Duration {
        let requestBytes = 8  // unit, function, address (2), count (2), CRC (2)
        let dataBytes = read.table.holdsBits ? (read.count + 7) / 8 : 2 * read.count
        let responseBytes = 5 + dataBytes  // unit, function, byte count, data, CRC (2)
        let character = Double(port.bitsPerCharacter) / Double(port.baud)
        let silence = port.baud > 19200 ? 0.00175 : 3.5 * character
        let seconds = Double(requestBytes + responseBytes) * character + 2 * silence
        return .microseconds(Int64((seconds * 1_000_000).rounded())) + turnaround
    }
}
