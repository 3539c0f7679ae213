public import AsyncHTTPClient
public import GatewayCore
public import Logging
import NIOCore
import NIOHTTP1
public import NIOSSL
public import Outbox
public import ServiceLifecycle
public import UplinkPayload

/// Drains the durable log to one platform: alarm and state events first, then live readings, then
/// backlog (the log's lanes), in batches with a stable id, at least once.
///
/// - 200 with the platform's counts covering the batch (`{"accepted": N, "already_received": K}`, or
///   `"duplicate": true`): the batch is acknowledged for this destination. Any other 2xx, a 200 with
///   another body (an HTML page, nothing) or with counts short of the batch: retried with backoff
///   (``PlatformReply``).
/// - 3xx: never followed (the batch is not sent where it was not configured to go); retried with
///   backoff, the status naming the new location.
/// - 429 and 503: waits for `Retry-After` (or the backoff) and sends again.
/// - 401 and 403: the credentials are wrong, not the batch: logged as errors and retried with
///   backoff, so nothing is dead-lettered while a token is fixed.
/// - Any other 4xx: the batch goes to the log's dead-letter table (visible, retryable).
/// - 5xx or no answer: capped exponential backoff with jitter, then the same batch again.
///
/// Heartbeats go to `{url}/heartbeats` every ``Settings/heartbeatInterval`` whatever the backlog.
public struct UplinkForwarder: Service {
    public struct Settings: Sendable {
        public var id: String
        /// The platform's base URL: batches go to `{url}/batches`, heartbeats to `{url}/heartbeats`.
        public var url: String
        public var gateway: String
        public var enterprise: String
        public var bearerToken: String?
        public var hmacSecret: String?
        public var batchRecords: Int
        public var batchBytes: Int
        /// How long to wait before looking again when there is nothing to send: at low rates a record
        /// leaves within about this long of being stored. At high rates batches fill while the previous
        /// one is sent, so batching grows by itself (docs/sizing.md).
        public var batchDelay: Duration
        /// A record older than this when it is sent is labelled `backfill` (docs/uplink-protocol.md).
        public var liveWindow: Duration
        /// The most a connection attempt may take; separate from the request's ``timeout``.
        public var connectTimeout: Duration
        /// A backlog whose oldest record is older than this is a problem in the status.
        public var backlogMaxAge: Duration
        /// A backlog that grows for longer than this is a problem in the status.
        public var backlogMaxGrowth: Duration
        public var heartbeatInterval: Duration
        public var gzip: Bool
        /// zlib's compression level for ``gzip`` (1 fastest … 9 smallest; `gzip_level:`, default 1).
        public var gzipLevel = 1
        public var timeout: Duration
        /// TLS for `https` URLs: a custom CA and/or a client certificate (`TLSSettings.client`);
        /// nil uses the system's trusted CAs and no client certificate.
        public var tls: TLSConfiguration?
        /// The most batches sent at once (`in_flight:`, default 4): a new batch goes while others wait for
        /// their answer, never with a record of a point (or an event of a device) that one of them holds
        /// (``OrderKey``), so each point's records still arrive in order when a batch fails and a later
        /// one is accepted. A platform profile sends one at a time.
        public var inFlight = 4
        /// The uplink's platform profile (`profile:`): its messages replace `chemgate.batch/1`, posted to
        /// ``url`` itself (HTTP) or framed on its TCP connection, and its reply rule decides what is
        /// acknowledged; nil sends chemgate's own format (docs/uplink-profiles.md).
        public var profile: ProfileChannel?

        public init(
            id: String,
            url: String,
            gateway: String,
            enterprise: String,
            bearerToken: String? = nil,
            hmacSecret: String? = nil,
            batchRecords: Int = 5000,
            batchBytes: Int = 1_000_000,
            batchDelay: Duration = .milliseconds(50),
            heartbeatInterval: Duration = .seconds(30),
            gzip: Bool = true,
            timeout: Duration = .seconds(10),
            tls: TLSConfiguration? = nil,
            liveWindow: Duration = .seconds(10),
            connectTimeout: Duration = .seconds(3),
            backlogMaxAge: Duration = .seconds(60),
            backlogMaxGrowth: Duration = .seconds(60)
        ) {
            self.id = id
            self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
            self.gateway = gateway
            self.enterprise = enterprise
            self.bearerToken = bearerToken
            self.hmacSecret = hmacSecret
            self.batchRecords = batchRecords
            self.batchBytes = batchBytes
            self.batchDelay = batchDelay
            self.heartbeatInterval = heartbeatInterval
            self.gzip = gzip
            self.timeout = timeout
            self.tls = tls
            self.liveWindow = liveWindow
            self.connectTimeout = connectTimeout
            self.backlogMaxAge = backlogMaxAge
            self.backlogMaxGrowth = backlogMaxGrowth
        }
    }

    public let settings: Settings
    public let statistics = UplinkStatistics()
    let log: DurableLog
    private let heartbeat: @Sendable () async -> HeartbeatPayload?
    private let client: HTTPClient
    let logger: Logger

    /// - Parameter heartbeat: builds the next heartbeat; nil skips one.
    public init(
        settings: Settings,
        log: DurableLog,
        client: HTTPClient? = nil,
        logger: Logger,
        heartbeat: @escaping @Sendable () async -> HeartbeatPayload?
    ) {
        self.settings = settings
        self.log = log
        self.client = client ?? UplinkHTTPClient.client(connectTimeout: settings.connectTimeout)
        self.logger = logger
        self.heartbeat = heartbeat
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await forward() }
        } catch is CancellationError {
            // Graceful shutdown: what is not acknowledged stays in the log for the next run.
        }
    }

    private func forward() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Heartbeats keep their period whatever the data lane does (backing off, waiting for a reply).
            // A profile without a heartbeat message sends none.
            if settings.profile?.hasHeartbeat ?? true { group.addTask { try await sendHeartbeats() } }
            group.addTask { try await sendBatches() }
            try await group.next()
            group.cancelAll()
        }
    }

    private func sendHeartbeats() async throws {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            if let channel = settings.profile {
                await sendProfileHeartbeat(channel)
            } else if let payload = await heartbeat() {
                await send(heartbeat: payload)
            }
            next = next + settings.heartbeatInterval
            if next < clock.now { next = clock.now }  // a slow platform: no burst to catch up
            try await Task.sleep(until: next, clock: clock)
        }
    }

    /// Logs the first failure of an outage at warning level (one line per outage), the others at debug.
    func noteFailure(
        _ reason: String,
        outage: inout UplinkOutage,
        at instant: ContinuousClock.Instant,
        retryIn wait: Duration
    ) {
        let metadata: Logger.Metadata = [
            "uplink": "\(settings.id)", "reason": "\(reason)", "in": "\(wait.readableDescription)",
        ]
        if outage.began(at: instant) {
            logger.warning("platform not accepting batches; they stay in the log and are retried", metadata: metadata)
        } else {
            logger.debug("upload failed again; retrying", metadata: metadata)
        }
    }

    func deadLetter(_ batch: Batch, reason: String) async {
        logger.error(
            "batch refused; moved to the dead-letter table",
            metadata: ["uplink": "\(settings.id)", "batch": "\(batch.batchID)", "reason": "\(reason)"]
        )
        guard await storeOutcome({ try await log.deadLetter(batch, destination: settings.id, reason: reason) })
        else { return }
        statistics.record {
            $0.deadLettered += batch.records.count; $0.lastError = reason
        }
    }

    /// Splits a batch the platform found too large; nil when it holds one record (or the log failed).
    func storeSplit(_ batch: Batch) async -> (Batch, Batch)? {
        var halves: (Batch, Batch)?
        guard await storeOutcome({ halves = try await log.split(batch, destination: settings.id) }) else {
            return nil
        }
        return halves
    }

    /// Writes an acknowledgement or a dead letter to the log. A log that cannot store it (a full disk)
    /// must not end the uplink, let alone the gateway: the batch stays pending and is sent again later
    /// (the platform answers `duplicate`). False when it failed (after a pause).
    func storeOutcome(_ write: () async throws -> Void) async -> Bool {
        do {
            try await write()
            return true
        } catch {
            if Task.isCancelled { return false }
            logger.error(
                "cannot record the platform's answer in the log; the batch stays pending and is sent again",
                metadata: ["uplink": "\(settings.id)", "error": "\(error)"]
            )
            statistics.record { $0.lastError = "cannot record the answer in the log: \(error)" }
            try? await Task.sleep(for: max(settings.batchDelay, .seconds(1)))
            return false
        }
    }

    enum Outcome: Sendable {
        case accepted
        case retryAfter(Duration, String)
        case deadLetter(String)
        case tooLarge(String)
        case failed(SendFailure)
    }

    func post(_ batch: Batch) async -> Outcome {
        if let channel = settings.profile { return await post(batch, channel: channel) }
        let body = BatchPayload.encodedBytes(
            batch: batch,
            gateway: settings.gateway,
            enterprise: settings.enterprise,
            logID: log.logID
        )
        var request = HTTPClientRequest(url: settings.url + "/batches")
        request.method = .POST
        request.headers.add(name: "Idempotency-Key", value: batch.batchID)
        switch await send(request: &request, body: body) {
        case .failure(let failure):
            return .failed(failure)
        case .success(let reply):
            switch reply.batchOutcome(entries: batch.records.count) {
            case .accepted: return .accepted
            case .retryAfter(let delay, let reason): return .retryAfter(delay, reason)
            case .deadLetter(let reason): return .deadLetter(reason)
            case .tooLarge(let reason): return .tooLarge(reason)
            case .failed(let reason): return .failed(SendFailure(description: reason, cannotConnect: false))
            }
        }
    }

    private func send(heartbeat payload: HeartbeatPayload) async {
        var request = HTTPClientRequest(url: settings.url + "/heartbeats")
        request.method = .POST
        let failure: String
        switch await send(request: &request, body: Array(payload.encode())) {
        case .failure(let error):
            failure = error.description
        case .success(let reply):
            guard let text = reply.heartbeatFailure else {
                statistics.record { $0.heartbeats += 1 }
                return
            }
            failure = text
        }
        if Task.isCancelled { return }
        logger.warning("heartbeat failed", metadata: ["uplink": "\(settings.id)", "reason": "\(failure)"])
    }

    /// Sends a body with the configured encoding and credentials (the secret never reaches the log).
    func send(
        request: inout HTTPClientRequest,
        body: [UInt8],
        gzip: Bool? = nil
    ) async -> Result<PlatformReply, SendFailure> {
        var bytes = body
        request.tlsConfiguration = settings.tls
        request.headers.add(name: "Content-Type", value: "application/json")
        if gzip ?? settings.gzip {
            bytes = Gzip.compress(body, level: settings.gzipLevel)
            request.headers.add(name: "Content-Encoding", value: "gzip")
        }
        if let token = settings.bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let secret = settings.hmacSecret {
            for (name, value) in UplinkSignature.headers(secret: secret, body: bytes) {
                request.headers.add(name: name, value: value)
            }
        }
        request.body = .bytes(ByteBuffer(bytes: bytes))
        do {
            let response = try await client.execute(
                request,
                timeout: .nanoseconds(Int64(settings.timeout / .nanoseconds(1)))
            )
            // Read up to the limit and ignore the rest: a large answer is still an answer.
            var reply = PlatformReply(status: Int(response.status.code), headers: response.headers, body: [])
            for try await chunk in response.body {
                let room = PlatformReply.bodyLimit - reply.body.count
                reply.body += chunk.readableBytesView.prefix(room)
                if chunk.readableBytes > room {
                    reply.truncated = true
                    break
                }
            }
            return .success(reply)
        } catch {
            return .failure(
                SendFailure(
                    description: SendFailureText.describe(error, timeout: settings.timeout),
                    cannotConnect: SendFailureText.cannotConnect(error)
                )
            )
        }
    }
}

extension UplinkForwarder {
    /// The backlog's problem for the status, from fresh figures (records waiting, the oldest one's
    /// timestamp) and the trend the forwarder sampled: nil when the backlog is fine.
    public func backlogProblem(records: Int, oldest: Timestamp?, now: Timestamp = .now()) -> String? {
        let values = statistics.values
        return BacklogTrend.problem(
            uplink: settings.id,
            records: records,
            oldest: oldest,
            trend: values.backlogTrend,
            growingFor: values.backlogGrowingSeconds.map { .milliseconds(Int64($0 * 1000)) },
            maxAge: settings.backlogMaxAge,
            maxGrowth: settings.backlogMaxGrowth,
            now: now
        )
    }
}

extension UplinkForwarder: CustomStringConvertible {
    /// Short and without credentials, for the service group's logs and errors.
    public var description: String { "uplink \(settings.id) (\(Redaction.userinfo(in: settings.url)))" }
}
