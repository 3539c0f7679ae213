import Foundation

/// D devices × T points at period P, written DxT@P (e.g. 100x100@1s, 1000x100@100ms).
struct ScaleConfiguration: Sendable, CustomStringConvertible {
    var devices: Int
    var points: Int
    var period: Duration

    static let standard = ["10x50@1s", "100x100@1s", "1000x100@1s", "1000x100@100ms"]

    init(devices: Int, points: Int, period: Duration) {
        self.devices = devices
        self.points = points
        self.period = period
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: "@")
        let sizes = parts.first?.split(separator: "x") ?? []
        guard parts.count == 2, sizes.count == 2, let devices = Int(sizes[0]), let points = Int(sizes[1]),
            devices >= 1, points >= 1, points <= 990
        else { throw BenchFailure("write a scale configuration as DxT@P, e.g. 100x100@1s (T at most 990)") }
        let period = String(parts[1])
        let milliseconds: Int?
        if period.hasSuffix("ms") {
            milliseconds = Int(period.dropLast(2))
        } else if period.hasSuffix("s") {
            milliseconds = Int(period.dropLast()).map { $0 * 1000 }
        } else {
            milliseconds = nil
        }
        guard let milliseconds, milliseconds > 0 else { throw BenchFailure("a period is like 1s or 100ms") }
        self.init(devices: devices, points: points, period: .milliseconds(milliseconds))
    }

    /// Values the site should read per second.
    var valuesPerSecond: Double { Double(devices * points) / period.secondsValue }

    /// Devices per link: a TCP gateway with up to this many units behind it.
    static let devicesPerLink = 100

    var links: Int { (devices + Self.devicesPerLink - 1) / Self.devicesPerLink }

    /// Reads per device per cycle (a read carries at most 125 registers).
    var readsPerDevice: Int { (points + 124) / 125 }

    var periodText: String {
        let milliseconds = Int(period.secondsValue * 1000)
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    var description: String { "\(devices)x\(points)@\(periodText)" }
}
