/// Which points' latest readings a status snapshot carries (``HealthReporting/snapshot(points:)``).
/// At 10,000 points a snapshot of every point is megabytes of text, built and freed on each read.
public enum PointSelection: Sendable, Hashable {
    /// Every point: `/status` and the status page.
    case all
    /// Only the points whose quality gives a reason (a sensor fault, a calibration, maintenance, a
    /// stale or frozen value …): every point the site verdict reads, so `/metrics` and the SIGUSR1
    /// summary show the same detectors not protecting as `/status`. At a healthy site, none.
    case withReason
    /// None: `/readyz` and the heartbeat read the links, the devices and the log.
    case none

    /// Whether a point whose latest quality is `quality` is carried.
    public func includes(_ quality: Quality) -> Bool {
        switch self {
        case .all: true
        case .withReason: quality.reason != nil
        case .none: false
        }
    }

    /// Whether a point as a snapshot shows it is carried.
    public func includes(_ point: HealthSnapshot.Point) -> Bool {
        switch self {
        case .all: true
        case .withReason: point.reason != nil
        case .none: false
        }
    }
}

extension HealthSnapshot {
    /// The snapshot with only the points `selection` carries.
    public func selecting(_ selection: PointSelection) -> HealthSnapshot {
        guard selection != .all else { return self }
        var copy = self
        copy.points = points.filter(selection.includes)
        return copy
    }
}
