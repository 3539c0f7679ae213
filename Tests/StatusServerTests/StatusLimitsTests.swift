import GatewayCore
import Modbus
import StatusServer
import TestSupport
import Testing

/// The status endpoint's defences against slow and idle clients, on a real socket with small limits:
/// a silent connection, a request head sent a line at a time, a body trickled byte by byte, and
/// more connections than the cap.
@Suite("Status endpoint limits")
struct StatusLimitsTests {
    /// Runs a status server with `limits` on a free port while `body` runs.
    static func withServer(
        _ limits: StatusServerLimits,
        _ body: (_ port: Int) async throws -> Void
    ) async throws {
        let fixture = try StatusFixture(units: [1])
        let port = try Tools.freePort()
        let server = try StatusServer(
            host: "127.0.0.1",
            port: port,
            token: nil,
            reporter: fixture.health,
            registry: sharedRegistry,
            limits: limits,
            logger: quietLogger
        )
        let task = Task { try await server.run() }
        defer {
            task.cancel()
            fixture.server.stop()
        }
        try await waitUntilAnswering(port: port)
        try await body(port)
    }

    static func waitUntilAnswering(port: Int, timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await LiveStatusTests.get("http://127.0.0.1:\(port)/healthz"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the status endpoint on port \(port) does not answer /healthz")
    }

    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await Self.withServer(StatusServerLimits(idleTimeout: .milliseconds(300))) { port in
            let silent = try RawConnection(port: port)
            #expect(try await silent.waitUntilClosed(timeout: .seconds(3)), "a connection that sends nothing is closed")
        }
    }

    @Test func aRequestHeadSentLineByLineIsCutOff() async throws {
        try await Self.withServer(StatusServerLimits(idleTimeout: .milliseconds(400))) { port in
            let slow = try RawConnection(port: port)
            let start = ContinuousClock.now
            var lines = ["GET /status HTTP/1.1\r\n", "Host: 127.0.0.1\r\n"]
            for index in 0..<60 { lines.append("X-Slow-\(index): a\r\n") }
            var closed = false
            for line in lines {
                if slow.isClosedByPeer {
                    closed = true
                    break
                }
                slow.send(line)
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(closed, "a head still incomplete after 6 s holds its connection")
            #expect(ContinuousClock.now - start < .seconds(3), "closed after \(ContinuousClock.now - start)")
        }
    }

    @Test func aTrickledBodyIsCutOffAfterTheBodyTimeout() async throws {
        // The idle timeout is long: only the body timeout can close this connection.
        let limits = StatusServerLimits(idleTimeout: .seconds(30), bodyTimeout: .milliseconds(400))
        try await Self.withServer(limits) { port in
            let slow = try RawConnection(port: port)
            try await Task.sleep(for: .milliseconds(50))
            #expect(
                slow.send(
                    "POST /devices/gd-1/maintenance?on=true HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
                )
            )
            let start = ContinuousClock.now
            var closed = false
            for _ in 0..<60 {
                if slow.isClosedByPeer {
                    closed = true
                    break
                }
                slow.send("x")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(closed, "a body trickled for 6 s holds its connection")
            #expect(ContinuousClock.now - start < .seconds(3), "closed after \(ContinuousClock.now - start)")
        }
    }

    @Test func connectionsBeyondTheCapWaitUntilOneCloses() async throws {
        try await Self.withServer(StatusServerLimits(maxConnections: 3, idleTimeout: .seconds(30))) { port in
            // /healthz was just asked (waitUntilAnswering); let that connection close.
            try await Task.sleep(for: .milliseconds(200))
            var silent = try (0..<3).map { _ in try RawConnection(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            let request = try RawConnection(port: port)
            try await Task.sleep(for: .milliseconds(100))
            request.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try await Task.sleep(for: .milliseconds(700))
            #expect(request.received() == nil, "a fourth connection is not served while three are open")
            silent.removeAll()  // closes them
            let deadline = ContinuousClock.now + .seconds(3)
            var answer: String?
            while answer == nil, ContinuousClock.now < deadline {
                answer = request.received()
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "served once a slot is free: \(answer ?? "nothing")")
        }
    }
}
