internal import GatewayCore
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import PlatformProfile

/// The receiver in profile mode (`chemgate receive --profile FILE`): every POST, on any path, is one
/// message of the profile; `GET /counts` and `GET /items?after=N` show what arrived.
extension ReceiverApp {
    func makeProfileRouter(_ decoder: ProfileDecoder) -> Router<BasicRequestContext> {
        let router = Router()
        let intake = ProfileIntake(decoder: decoder, store: store)
        router.post("/") { request, _ in try await receiveProfileMessage(request, intake: intake) }
        router.post("**") { request, _ in try await receiveProfileMessage(request, intake: intake) }
        router.get("/counts") { _, _ in JSONReply.make(.ok, try await store.profileCounts()) }
        router.get("/items") { request, _ in
            let after = request.uri.queryParameters.get("after", as: Int64.self) ?? 0
            return JSONReply.make(.ok, try await store.profileItems(after: after))
        }
        router.get("/health") { _, _ in JSONReply.make(.ok, ["status": "ok"]) }
        return router
    }

    func receiveProfileMessage(_ request: Request, intake: ProfileIntake) async throws -> Response {
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: options.maxBodyBytes)
        } catch {
            return JSONReply.error(.contentTooLarge, "the body exceeds \(options.maxBodyBytes) bytes or was cut off")
        }
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        let outcome = await intake.receive(body)
        if outcome.accepted {
            logger.info("profile message stored", metadata: ["detail": "\(outcome.detail)"])
        } else {
            logger.warning("profile message refused", metadata: ["reason": "\(outcome.detail)"])
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: outcome.reply)))
    }
}
