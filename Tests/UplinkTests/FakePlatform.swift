import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TestSupport

/// A real HTTP server on 127.0.0.1 that answers every POST with what the test sets: a platform that
/// misbehaves (an HTML page, a redirect, an empty 204…). It remembers the paths it was sent.
final class FakePlatform: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        init(_ status: Int, headers: [(String, String)] = [], body: String = "") {
            self.init(status, headers: headers, bytes: Array(body.utf8))
        }

        init(_ status: Int, headers: [(String, String)] = [], bytes: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = bytes
        }
    }

    /// A request as the platform received it.
    struct Received: Sendable {
        var path: String
        var idempotencyKey: String?
        /// The body as sent (gzip bytes when compressed).
        var body: [UInt8]
    }

    private final class State: Sendable {
        let reply: Mutex<Reply>
        let paths = Mutex<[String]>([])
        let requests = Mutex<[Received]>([])
        let handler: (@Sendable (Received) -> Reply)?
        let pause: (@Sendable (Received) -> Duration)?
        /// POSTs being answered now, and the most at once.
        let active = Mutex((now: 0, most: 0))

        init(
            _ reply: Reply,
            handler: (@Sendable (Received) -> Reply)? = nil,
            pause: (@Sendable (Received) -> Duration)? = nil
        ) {
            self.reply = Mutex(reply)
            self.handler = handler
            self.pause = pause
        }
    }

    let url: String
    private let state: State
    private let server: ServedInBackground

    /// Answers every POST with `reply` (changed with ``set(_:)``), or with what `handler` says, on `port`
    /// (a free one when nil), after the `pause` it says (none when nil): a slow platform.
    init(
        _ reply: Reply = .init(500),
        port: Int? = nil,
        handler: (@Sendable (Received) -> Reply)? = nil,
        pause: (@Sendable (Received) -> Duration)? = nil
    ) async throws {
        let port = try port ?? Tools.freePort()
        let state = State(reply, handler: handler, pause: pause)
        let router = Router()
        router.post("**") { request, _ -> Response in
            var buffer = try await request.body.collect(upTo: 64 << 20)
            let received = Received(
                path: request.uri.path,
                idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                body: buffer.readBytes(length: buffer.readableBytes) ?? []
            )
            state.paths.withLock { $0.append(request.uri.path) }
            state.requests.withLock { $0.append(received) }
            state.active.withLock { $0 = (now: $0.now + 1, most: max($0.most, $0.now + 1)) }
            defer { state.active.withLock { $0.now -= 1 } }
            if let pause = state.pause?(received) { try await Task.sleep(for: pause) }
            let reply = state.handler?(received) ?? state.reply.withLock { $0 }
            var headers = HTTPFields()
            for (name, value) in reply.headers {
                if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
            }
            return Response(
                status: .init(code: reply.status),
                headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: reply.body))
            )
        }
        // A GET (a 301 or 302 followed by a client that turns the POST into a GET) is recorded too.
        router.get("**") { request, _ -> Response in
            state.paths.withLock { $0.append("GET " + request.uri.path) }
            return Response(status: .notFound)
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: quietLogger
        )
        self.url = "http://127.0.0.1:\(port)"
        self.state = state
        self.server = ServedInBackground(application, logger: quietLogger)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !Self.connects(port: port) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The POST requests received so far, in order.
    var requests: [Received] { state.requests.withLock { $0 } }

    /// The paths of the POST requests received so far, in order (`GET /path` for a GET).
    var paths: [String] { state.paths.withLock { $0 } }

    /// The most POSTs that were being answered at once.
    var mostConcurrent: Int { state.active.withLock { $0.most } }

    func set(_ reply: Reply) { state.reply.withLock { $0 = reply } }

    func stop() { server.stop() }

    private static func connects(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
