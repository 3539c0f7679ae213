import GatewayCore
import Synchronization

/// Each device's success ratio over the last few minutes rather than over its whole life (a
/// detector dead for ten minutes after a day of answers reads 0 %, not 98 %): the poll counters of
/// every snapshot are kept for `window`, and the ratio is the answers over the polls since the
/// oldest sample kept (the last one taken, when none is that recent).
final class RecentSuccess: Sendable {
    private struct Sample {
        var at: ContinuousClock.Instant
        var polls: Int
        var answered: Int
    }

    private let window: Duration
    private let samples = Mutex<[String: [Sample]]>([:])

    init(window: Duration = .seconds(300)) { self.window = window }

    /// Records the devices' counters and fills in `recentSuccessRatio` (nil until a poll has
    /// happened since the first sample).
    func annotate(_ devices: inout [HealthSnapshot.Device], now: ContinuousClock.Instant = .now) {
        let window = self.window
        devices = samples.withLock { samples in
            devices.map { device in
                var device = device
                let all = samples[device.id] ?? []
                // Within the window; when nobody looked for longer, the last sample before it.
                var kept = all.filter { now - $0.at <= window }
                if kept.isEmpty, let last = all.last { kept = [last] }
                if let oldest = kept.first, device.polls > oldest.polls {
                    device.recentSuccessRatio =
                        Double(device.answered - oldest.answered) / Double(device.polls - oldest.polls)
                }
                if kept.last.map({ now - $0.at >= .seconds(1) }) ?? true {
                    kept.append(Sample(at: now, polls: device.polls, answered: device.answered))
                }
                samples[device.id] = kept
                return device
            }
        }
    }
}
