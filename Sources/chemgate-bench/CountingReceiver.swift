import Foundation
import GatewayCore
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport
import UplinkPayload

/// A platform that only counts: `POST /batches` gunzips the body, counts its events and records
/// (`BatchScan`) and acknowledges exactly as `docs/uplink-protocol.md` asks — `200` with
/// `{"accepted": N, "already_received": 0}`, N the batch's entries — without storing anything, so
/// the gateway's side is what is measured (the stand-in `chemgate receive` stores every record in
/// SQLite and costs as much CPU as the gateway). `POST /heartbeats` answers `{"accepted": 1}`.
///
/// It runs inside chemgate-bench; its CPU is the bench process's.
final class CountingReceiver: Sendable {
    struct Counts: Sendable {
        var batches = 0
        var records = 0
        var events = 0
        var heartbeats = 0
        /// Bodies that could not be read (not gzip, no counts): answered 400.
        var refused = 0
        /// Each batch's `first_seq...last_seq`.
        var ranges: [ClosedRange<Int>] = []
        /// Arrival minus reading time of each record (and event) since the last ``resetLatencies()``, ms.
        var latencies: [Int32] = []
        /// The same for events only.
        var eventLatencies: [Int32] = []
        /// When the first batch holding an event arrived.
        var firstEventArrival: ContinuousClock.Instant?

        /// Sequence numbers between the lowest and highest covered that no batch covered.
        var gaps: Int {
            let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
            guard var reach = sorted.first?.upperBound else { return 0 }
            var missing = 0
            for range in sorted.dropFirst() {
                if range.lowerBound > reach + 1 { missing += range.lowerBound - reach - 1 }
                reach = max(reach, range.upperBound)
            }
            return missing
        }

        var highestSequence: Int? { ranges.map(\.upperBound).max() }
    }

    /// The counts, shared with the routes.
    private final class Shared: Sendable {
        let counts = Mutex(Counts())
    }

    let port: Int
    private let shared: Shared
    private let measuresLatency: Bool
    private let server: ServedInBackground

    /// Starts listening on a free port of 127.0.0.1; `measuresLatency` parses every `ts`.
    static func start(measuresLatency: Bool) async throws -> CountingReceiver {
        let port = try Tools.freePort()
        let receiver = CountingReceiver(port: port, measuresLatency: measuresLatency)
        // Listening once a connection succeeds.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while !Self.accepts(port: port) {
            guard clock.now < deadline else { throw BenchFailure("the counting receiver did not listen on \(port)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return receiver
    }

    private init(port: Int, measuresLatency: Bool) {
        self.port = port
        self.measuresLatency = measuresLatency
        let shared = Shared()
        self.shared = shared
        let router = Router()
        router.post("/batches") { request, _ in
            let body = try await request.body.collect(upTo: 64 << 20)
            return Self.receive(
                Array(body.readableBytesView),
                gzip: request.headers[.contentEncoding]?.lowercased().contains("gzip") ?? false,
                shared: shared,
                measuresLatency: measuresLatency
            )
        }
        router.post("/heartbeats") { _, _ in
            shared.counts.withLock { $0.heartbeats += 1 }
            return Self.json(.ok, #"{"accepted": 1}"#)
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "chemgate-bench-counter"),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        server = ServedInBackground(
            application,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    deinit { server.stop() }

    func stop() { server.stop() }

    var counts: Counts { shared.counts.withLock { $0 } }

    /// Entries (records + events) counted so far.
    var entries: Int { shared.counts.withLock { $0.records + $0.events } }

    /// Forgets the latencies measured so far (the start of a measuring window).
    func resetLatencies() {
        shared.counts.withLock {
            $0.latencies.removeAll(keepingCapacity: true)
            $0.eventLatencies.removeAll(keepingCapacity: true)
        }
    }

    private static func receive(_ body: [UInt8], gzip: Bool, shared: Shared, measuresLatency: Bool) -> Response {
        let arrival = ContinuousClock.now
        let arrivalTime = Timestamp.now().milliseconds
        let json: [UInt8]
        do {
            json = gzip ? try Gzip.decompress(body, limit: 256 << 20) : body
        } catch {
            shared.counts.withLock { $0.refused += 1 }
            return Self.json(.badRequest, #"{"error": "the body is not gzip"}"#)
        }
        let scan = BatchScan(json, times: measuresLatency)
        guard let first = scan.firstSequence, let last = scan.lastSequence, scan.entries > 0 else {
            shared.counts.withLock { $0.refused += 1 }
            return Self.json(.badRequest, #"{"error": "not a chemgate.batch/1 body with entries"}"#)
        }
        shared.counts.withLock { counts in
            counts.batches += 1
            counts.records += scan.records
            counts.events += scan.events
            counts.ranges.append(min(first, last)...max(first, last))
            if scan.events > 0 && counts.firstEventArrival == nil { counts.firstEventArrival = arrival }
            for time in scan.times { counts.latencies.append(Int32(clamping: arrivalTime - time)) }
            for time in scan.eventTimes { counts.eventLatencies.append(Int32(clamping: arrivalTime - time)) }
        }
        return Self.json(.ok, #"{"accepted": \#(scan.entries), "already_received": 0}"#)
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    private static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
