public import AsyncHTTPClient
import GatewayCore
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
        /// How long to wait for more records when there is nothing to send.
        public var batchDelay: Duration
        public var heartbeatInterval: Duration
        public var gzip: Bool
        public var timeout: Duration
        /// TLS for `https` URLs: a custom CA and/or a client certificate (`TLSSettings.client`);
        /// nil uses the system's trusted CAs and no client certificate.
        public var tls: TLSConfiguration?

        public init(
            id: String,
            url: String,
            gateway: String,
            enterprise: String,
            bearerToken: String? = nil,
            hmacSecret: String? = nil,
            batchRecords: Int = 500,
            batchBytes: Int = 1_000_000,
            batchDelay: Duration = .seconds(1),
            heartbeatInterval: Duration = .seconds(30),
            gzip: Bool = true,
            timeout: Duration = .seconds(10),
            tls: TLSConfiguration? = nil
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
        }
    }

    public let settings: Settings
    public let statistics = UplinkStatistics()
    private let log: DurableLog
    private let heartbeat: @Sendable () async -> HeartbeatPayload?
    private let client: HTTPClient
    private let logger: Logger

    /// - Parameter heartbeat: builds the next heartbeat; nil skips one.
    public init(
        settings: Settings,
        log: DurableLog,
        client: HTTPClient = UplinkHTTPClient.shared,
        logger: Logger,
        heartbeat: @escaping @Sendable () async -> HeartbeatPayload?
    ) {
        self.settings = settings
        self.log = log
        self.client = client
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
        var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60))
        var random = SplitMix64(seed: UInt64.random(in: 1...UInt64.max))
        let clock = ContinuousClock()
        let origin = clock.now
        var nextHeartbeat = origin
        while !Task.isCancelled {
            if clock.now >= nextHeartbeat {
                nextHeartbeat = clock.now + settings.heartbeatInterval
                if let payload = await heartbeat() { await send(heartbeat: payload) }
            }
            let batch: Batch?
            do {
                batch = try await log.nextBatch(
                    for: settings.id,
                    maxRecords: settings.batchRecords,
                    maxBytes: settings.batchBytes,
                    liveWindow: settings.batchDelay * 10
                )
            } catch {
                if Task.isCancelled { return }  // shutting down: not the log's fault
                logger.error("cannot read the log", metadata: ["uplink": "\(settings.id)", "error": "\(error)"])
                try await Task.sleep(for: settings.batchDelay)
                continue
            }
            guard let batch else {
                try await Task.sleep(for: min(settings.batchDelay, nextHeartbeat - clock.now))
                continue
            }
            switch await post(batch) {
            case .accepted:
                guard await storeOutcome({ try await log.acknowledge(batch, destination: settings.id) }) else {
                    continue
                }
                backoff.succeeded()
                statistics.record {
                    $0.acknowledged += batch.records.count; $0.lastAcknowledgement = .now(); $0.lastError = nil
                }
            case .retryAfter(let delay, let reason):
                statistics.record {
                    $0.retries += 1; $0.lastError = reason
                }
                try await Task.sleep(for: delay)
            case .deadLetter(let reason):
                logger.error(
                    "batch refused; moved to the dead-letter table",
                    metadata: ["uplink": "\(settings.id)", "batch": "\(batch.batchID)", "reason": "\(reason)"]
                )
                guard await storeOutcome({ try await log.deadLetter(batch, destination: settings.id, reason: reason) })
                else { continue }
                statistics.record {
                    $0.deadLettered += batch.records.count; $0.lastError = reason
                }
            case .failed(let reason):
                if Task.isCancelled { return }  // the request was cut short by shutdown
                let now = clock.now - origin
                let wait = backoff.failed(at: now, random: &random) - now
                logger.warning(
                    "upload failed; retrying",
                    metadata: ["uplink": "\(settings.id)", "reason": "\(reason)", "in": "\(wait.readableDescription)"]
                )
                statistics.record {
                    $0.retries += 1; $0.lastError = reason
                }
                try await Task.sleep(for: wait)
            }
        }
    }

    /// Writes an acknowledgement or a dead letter to the log. A log that cannot store it (a full disk)
    /// must not end the uplink, let alone the gateway: the batch stays pending and is sent again later
    /// (the platform answers `duplicate`). False when it failed (after a pause).
    private func storeOutcome(_ write: () async throws -> Void) async -> Bool {
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

    typealias Outcome = PlatformReply.Outcome

    func post(_ batch: Batch) async -> Outcome {
        let payload = BatchPayload(
            gateway: settings.gateway,
            enterprise: settings.enterprise,
            logID: log.logID,
            batchID: batch.batchID,
            sentAt: .now(),
            events: batch.records.compactMap { record in
                guard case .event(let event) = record.payload else { return nil }
                var item = BatchEvent(event: event)
                item.sequence = UInt64(record.sequence)
                return item
            },
            records: batch.records.compactMap { record in
                guard case .reading(let reading) = record.payload else { return nil }
                var item = BatchRecord(reading: reading, backfill: record.backfill)
                item.sequence = UInt64(record.sequence)
                return item
            }
        )
        var request = HTTPClientRequest(url: settings.url + "/batches")
        request.method = .POST
        request.headers.add(name: "Idempotency-Key", value: batch.batchID)
        switch await send(request: &request, body: payload.encodedBytes()) {
        case .failure(let failure):
            return .failed(failure.description)
        case .success(let reply):
            return reply.batchOutcome(entries: batch.records.count)
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
    private func send(request: inout HTTPClientRequest, body: [UInt8]) async -> Result<PlatformReply, SendFailure> {
        var bytes = body
        request.tlsConfiguration = settings.tls
        request.headers.add(name: "Content-Type", value: "application/json")
        if settings.gzip {
            bytes = Gzip.compress(body)
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
            return .failure(SendFailure(description: SendFailureText.describe(error, timeout: settings.timeout)))
        }
    }

    struct SendFailure: Error, CustomStringConvertible {
        var description: String
    }
}

extension UplinkForwarder: CustomStringConvertible {
    /// Short and without credentials, for the service group's logs and errors.
    public var description: String { "uplink \(settings.id) (\(Redaction.userinfo(in: settings.url)))" }
}
