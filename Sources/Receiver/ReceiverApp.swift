internal import Foundation
internal import GatewayCore
internal import HTTPTypes
public import Hummingbird
internal import HummingbirdTLS
public import Logging
internal import NIOCore
internal import UplinkPayload

/// The platform's stand-in for chemgate's uplink: an HTTP server that receives batches and
/// heartbeats, stores them once each, and tells what arrived (`/counts`, `/latest`).
///
/// Routes: `POST /batches`, `POST /heartbeats`, `GET /counts`, `GET /latest`, `GET /health`, and,
/// with `ReceiverOptions.testControls`, `POST /control/unavailable` and `POST /control/reject`.
/// The protocol is in `docs/uplink-protocol.md`.
public struct ReceiverApp: Sendable {
    /// How the receiver listens and whom it lets in.
    public let options: ReceiverOptions
    /// Where what arrives is stored.
    public let store: ReceiverStore
    let logger: Logger
    let controls = TestControls()
    let authenticator: RequestAuthenticator

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    /// A receiver storing into its own database at `options.databasePath`.
    public init(options: ReceiverOptions, logger: Logger = Logger(label: "chemgate.receiver")) throws {
        self.init(options: options, store: try ReceiverStore(path: options.databasePath), logger: logger)
    }

    /// A receiver storing into `store`.
    public init(options: ReceiverOptions, store: ReceiverStore, logger: Logger = Logger(label: "chemgate.receiver")) {
        self.options = options
        self.store = store
        self.logger = logger
        self.authenticator = RequestAuthenticator(options: options)
    }

    /// The HTTP application, listening on `options.host`:`options.port`; `onListening` gets the
    /// bound port once the server runs (useful with port 0).
    public func makeApplication(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let port = options.port
        logger.info("receiver starting", metadata: ["options": "\(options)"])
        if !options.requiresAuthentication {
            logger.warning("no bearer token or HMAC secret configured: accepting unauthenticated requests")
        }
        return Application(
            router: makeRouter(),
            server: try options.tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "chemgate-receiver"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// The routes, for `makeApplication` and for tests.
    public func makeRouter() -> Router<BasicRequestContext> {
        if let decoder = options.profile { return makeProfileRouter(decoder) }
        let router = Router()
        router.post("/batches") { request, _ in try await receiveBatch(request) }
        router.post("/heartbeats") { request, _ in try await receiveHeartbeat(request) }
        router.get("/counts") { _, _ in JSONReply.make(.ok, try await store.counts()) }
        router.get("/latest") { _, _ in JSONReply.make(.ok, try await store.latest()) }
        router.get("/health") { _, _ in JSONReply.make(.ok, ["status": "ok"]) }
        if options.testControls {
            router.post("/control/unavailable") { request, _ in await controlUnavailable(request) }
            router.post("/control/reject") { request, _ in await controlReject(request) }
        }
        return router
    }

    // MARK: Batches and heartbeats

    func receiveBatch(_ request: Request) async throws -> Response {
        let path = "/batches"
        if options.testControls, let verdict = await controls.verdictForNextBatch() {
            switch verdict {
            case .unavailable(let retryAfter):
                return await refuse(
                    path,
                    .serviceUnavailable,
                    "unavailable (test control)",
                    headers: [.retryAfter: String(retryAfter)]
                )
            case .reject(let status):
                return await refuse(path, HTTPResponse.Status(code: status), "rejected by test control")
            }
        }
        let body: [UInt8]
        let json: [UInt8]
        switch await admit(request, path: path) {
        case .refused(let response): return response
        case .admitted(let sent, let inflated):
            body = sent
            json = inflated
        }
        let batch: BatchPayload
        do {
            batch = try BatchPayload.decode(from: Data(json))
        } catch {
            return await refuse(path, .badRequest, error.description, field: error.field)
        }
        guard let key = request.headers[Self.idempotencyKey] else {
            return await refuse(path, .badRequest, "the Idempotency-Key header (the batch_id) is required")
        }
        guard key == batch.batchID else {
            return await refuse(
                path,
                .badRequest,
                "Idempotency-Key \(key) is not the body's batch_id \(batch.batchID)",
                field: "batch_id"
            )
        }
        let outcome: BatchOutcome
        do {
            outcome = try await store.store(batch, compressed: isGzip(request), bodyBytes: body.count)
        } catch let error as ReceiverStoreError {
            return await refuse(path, .conflict, error.description)
        } catch {
            logger.error("storing a batch failed", metadata: ["batch_id": "\(batch.batchID)", "error": "\(error)"])
            return JSONReply.error(.internalServerError, "the receiver could not store the batch")
        }
        if !outcome.previousLogs.isEmpty {
            logger.notice(
                "gateway \(batch.gateway) sends from a new log: its sequence numbers start again under this log_id",
                metadata: [
                    "gateway": "\(batch.gateway)", "log_id": "\(batch.logID ?? "")",
                    "previous_logs": "\(outcome.previousLogs.joined(separator: ","))",
                ]
            )
        }
        logger.info(
            outcome.duplicate ? "duplicate batch" : "batch stored",
            metadata: [
                "batch_id": "\(batch.batchID)", "gateway": "\(batch.gateway)", "accepted": "\(outcome.accepted)",
                "already_received": "\(outcome.alreadyReceived)",
            ]
        )
        return JSONReply.make(.ok, outcome)
    }

    func receiveHeartbeat(_ request: Request) async throws -> Response {
        let path = "/heartbeats"
        let json: [UInt8]
        switch await admit(request, path: path) {
        case .refused(let response): return response
        case .admitted(_, let inflated): json = inflated
        }
        let heartbeat: HeartbeatPayload
        do {
            heartbeat = try HeartbeatPayload.decode(from: Data(json))
        } catch {
            return await refuse(path, .badRequest, error.description, field: error.field)
        }
        do {
            try await store.store(heartbeat)
        } catch {
            logger.error(
                "storing a heartbeat failed",
                metadata: ["gateway": "\(heartbeat.gateway)", "error": "\(error)"]
            )
            return JSONReply.error(.internalServerError, "the receiver could not store the heartbeat")
        }
        logger.debug("heartbeat stored", metadata: ["gateway": "\(heartbeat.gateway)"])
        return JSONReply.make(.ok, ["accepted": 1])
    }

    /// What `admit` decided: the body as sent and as JSON, or the refusal already answered.
    enum Admission {
        case admitted(sent: [UInt8], json: [UInt8])
        case refused(Response)
    }

    /// Reads the body within the size limit, authenticates it and undoes its content encoding.
    func admit(_ request: Request, path: String) async -> Admission {
        let limit = options.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return .refused(await refuse(path, .contentTooLarge, "the body exceeds \(limit) bytes"))
        }
        var body: [UInt8]
        do {
            var buffer = try await request.body.collect(upTo: limit)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            return .refused(await refuse(path, .contentTooLarge, "the body exceeds \(limit) bytes"))
        } catch {
            // The sender went away mid-body (a gateway shutting down cuts its request short): nothing was
            // refused, so it is not counted as a rejected batch.
            logger.notice(
                "request cut off before its body arrived; not counted",
                metadata: ["path": "\(path)", "error": "\(error)"]
            )
            return .refused(JSONReply.error(.badRequest, "the body could not be read: \(error)"))
        }
        if let refusal = authenticator.refusal(headers: request.headers, body: body, now: .now()) {
            let challenge: HTTPFields = options.bearerToken == nil ? [:] : [.wwwAuthenticate: "Bearer"]
            return .refused(await refuse(path, .unauthorized, refusal, headers: challenge))
        }
        let encoding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch encoding {
        case "", "identity":
            return .admitted(sent: body, json: body)
        case "gzip", "x-gzip":
            do {
                return .admitted(sent: body, json: try Gzip.decompress(body, limit: limit))
            } catch {
                switch error {
                case .tooLarge:
                    return .refused(await refuse(path, .contentTooLarge, "the inflated body exceeds \(limit) bytes"))
                case .corrupt(let message):
                    return .refused(await refuse(path, .badRequest, message))
                }
            }
        default:
            return .refused(
                await refuse(
                    path,
                    .unsupportedMediaType,
                    "Content-Encoding \(encoding) is not supported (identity, gzip)"
                )
            )
        }
    }

    func isGzip(_ request: Request) -> Bool {
        let encoding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased()
        return encoding == "gzip" || encoding == "x-gzip"
    }

    /// Answers a refused batch or heartbeat request, logging and counting it.
    func refuse(
        _ path: String,
        _ status: HTTPResponse.Status,
        _ message: String,
        field: String? = nil,
        headers: HTTPFields = [:]
    ) async -> Response {
        logger.warning(
            "request refused",
            metadata: ["path": "\(path)", "status": "\(status.code)", "reason": "\(message)"]
        )
        do {
            try await store.recordRejection(path: path, status: status.code, reason: message)
        } catch {
            logger.error("recording a rejection failed", metadata: ["error": "\(error)"])
        }
        return JSONReply.error(status, message, field: field, headers: headers)
    }

    // MARK: Test controls

    func controlUnavailable(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        guard let seconds = query.get("seconds", as: Double.self), seconds >= 0, seconds.isFinite else {
            return JSONReply.error(.badRequest, "seconds must be a non-negative number", field: "seconds")
        }
        let retryAfter = query.get("retry_after", as: Int.self) ?? 1
        guard retryAfter >= 0 else {
            return JSONReply.error(.badRequest, "retry_after must be a non-negative integer", field: "retry_after")
        }
        await controls.makeUnavailable(seconds: seconds, retryAfter: retryAfter)
        logger.notice(
            "test control: /batches unavailable",
            metadata: ["seconds": "\(seconds)", "retry_after": "\(retryAfter)"]
        )
        return JSONReply.make(.ok, UnavailableControl(seconds: seconds, retryAfter: retryAfter))
    }

    func controlReject(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        guard let status = query.get("status", as: Int.self), (400...599).contains(status) else {
            return JSONReply.error(.badRequest, "status must be an HTTP status from 400 to 599", field: "status")
        }
        let count = query.get("count", as: Int.self) ?? 1
        guard count >= 0 else {
            return JSONReply.error(.badRequest, "count must be a non-negative integer", field: "count")
        }
        await controls.reject(status: status, count: count)
        logger.notice("test control: rejecting batches", metadata: ["status": "\(status)", "count": "\(count)"])
        return JSONReply.make(.ok, RejectControl(status: status, count: count))
    }

    struct UnavailableControl: Encodable {
        var seconds: Double
        var retryAfter: Int

        enum CodingKeys: String, CodingKey {
            case seconds
            case retryAfter = "retry_after"
        }
    }

    struct RejectControl: Encodable {
        var status: Int
        var count: Int
    }
}
