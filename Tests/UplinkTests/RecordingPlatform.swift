import Foundation
import Synchronization
import UplinkPayload

/// A platform on ``FakePlatform`` that decodes every batch (sent without gzip), keeps what it saw and
/// answers with what `decide` says; by default it accepts with the protocol's counts.
final class RecordingPlatform: Sendable {
    /// A batch as the platform received it.
    struct Seen: Sendable {
        var batch: BatchPayload
        var status: Int
        var at: ContinuousClock.Instant
        /// The content without `sent_at`: what must never differ under one batch id.
        var content: String {
            batch.records.map { "\($0.sequence)\($0.backfill ? "b" : "")" }.joined(separator: ",") + "|"
                + batch.events.map { "\($0.sequence)" }.joined(separator: ",")
        }
    }

    private final class Box: Sendable {
        let seen = Mutex<[Seen]>([])
        let heartbeats = Mutex(0)
    }

    let platform: FakePlatform
    private let box: Box

    /// - Parameters:
    ///   - decide: the status for a batch (200 accepts with counts; 503 adds `Retry-After: 1`).
    ///   - pause: how long the platform takes to answer a batch (none when nil).
    init(
        port: Int? = nil,
        decide: @escaping @Sendable (BatchPayload) -> Int = { _ in 200 },
        pause: (@Sendable (BatchPayload) -> Duration)? = nil
    ) async throws {
        let box = Box()
        self.box = box
        var slow: (@Sendable (FakePlatform.Received) -> Duration)?
        if let pause {
            slow = { received in
                guard let batch = try? BatchPayload.decode(from: Data(received.body)) else { return .zero }
                return pause(batch)
            }
        }
        let answer: @Sendable (FakePlatform.Received) -> FakePlatform.Reply = { received in
            if received.path.hasSuffix("/heartbeats") {
                box.heartbeats.withLock { $0 += 1 }
                return .init(200, body: #"{"accepted": 1}"#)
            }
            guard let batch = try? BatchPayload.decode(from: Data(received.body)) else {
                return .init(400, body: #"{"error": "not a batch"}"#)
            }
            let status = decide(batch)
            // Recorded as answered (in answer order): the time is the answer's.
            box.seen.withLock { $0.append(Seen(batch: batch, status: status, at: .now)) }
            switch status {
            case 200:
                let entries = batch.records.count + batch.events.count
                return .init(200, body: #"{"accepted": \#(entries), "duplicate": false, "already_received": 0}"#)
            case 503:
                return .init(503, headers: [("Retry-After", "1")], body: #"{"error": "unavailable"}"#)
            default:
                return .init(status, body: #"{"error": "refused by the test"}"#)
            }
        }
        platform = try await FakePlatform(port: port, handler: answer, pause: slow)
    }

    var url: String { platform.url }
    var batches: [Seen] { box.seen.withLock { $0 } }
    var accepted: [Seen] { batches.filter { $0.status == 200 } }
    var heartbeats: Int { box.heartbeats.withLock { $0 } }

    /// The most batches (and heartbeats) that were being answered at once.
    var mostConcurrent: Int { platform.mostConcurrent }

    func stop() { platform.stop() }
}
