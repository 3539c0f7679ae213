import FramedTCP
import GatewayCore
import NIOCore
import NIOPosix
import Testing

/// The framed TCP client against real TCP servers on 127.0.0.1.
@Suite("Framed TCP client")
struct FramedTCPClientTests {
    private func client(
        port: Int,
        format: FrameFormat = .delimiter(Array("@@".utf8)),
        expectsReply: Bool = true,
        replyTimeout: Duration = .seconds(2)
    ) -> FramedTCPClient {
        FramedTCPClient(
            configuration: .init(
                host: "127.0.0.1",
                port: port,
                format: format,
                expectsReply: expectsReply,
                connectTimeout: .seconds(1),
                replyTimeout: replyTimeout,
                backoff: ReconnectBackoff(initial: .milliseconds(100), maximum: .milliseconds(400), jitter: 0.2)
            )
        )
    }

    @Test func framesAndRepliesSplitAcrossReadsArriveWhole() async throws {
        let server = try await TestFrameServer(.replyInPieces(reply: Array(#"{"code":0}"#.utf8), pieces: 4))
        let client = client(port: server.port)
        // A large frame reaches the server over many reads; each reply reaches the client in pieces.
        let big = Array(repeating: UInt8(ascii: "x"), count: 300_000)
        let frames = [Array(#"{"seq":1}"#.utf8), big, Array(#"{"seq":3}"#.utf8)]
        for frame in frames {
            let reply = try await client.send(frame)
            #expect(reply == Array(#"{"code":0}"#.utf8))
        }
        #expect(server.received.all == frames)
        #expect(await client.connections == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func lengthPrefixedFramesRoundTripByteByByte() async throws {
        let server = try await TestFrameServer(.echoLengthPrefixed)
        let client = client(port: server.port, format: .lengthPrefix(bytes: 2))
        for text in ["一", #"{"appId":"x","data":"QUJD"}"#, String(repeating: "y", count: 1000)] {
            #expect(try await client.send(Array(text.utf8)) == Array(text.utf8))
        }
        let tooLong = await #expect(throws: FramedTCPError.self) {
            _ = try await client.send(Array(repeating: 0, count: 70_000))
        }
        #expect(tooLong?.code == .tooLarge)
        await client.shutdown()
        await server.stop()
    }

    @Test func aServerClosingMidReplyIsNoDeliveryAndTheNextSendReconnects() async throws {
        let server = try await TestFrameServer(.closeMidReply)
        let client = client(port: server.port)
        let failure = await #expect(throws: FramedTCPError.self) {
            _ = try await client.send(Array(#"{"seq":1}"#.utf8))
        }
        #expect(failure?.code == .closed)
        // The frame arrived, but its reply was cut off: the caller must keep the records.
        #expect(server.received.all.count == 1)
        _ = await #expect(throws: FramedTCPError.self) {
            _ = try await client.send(Array(#"{"seq":1}"#.utf8))
        }
        #expect(await client.connections == 2)
        await client.shutdown()
        await server.stop()
    }

    @Test func anUnansweredFrameTimesOut() async throws {
        let server = try await TestFrameServer(.silent)
        let client = client(port: server.port, replyTimeout: .milliseconds(300))
        let start = ContinuousClock.now
        let failure = await #expect(throws: FramedTCPError.self) {
            _ = try await client.send(Array("ping".utf8))
        }
        #expect(failure?.code == .replyTimeout)
        #expect(ContinuousClock.now - start < .seconds(2))
        await client.shutdown()
        await server.stop()
    }

    @Test func aDownPlatformIsRetriedWithBackoffUntilItListens() async throws {
        // Find a free port, then close it so nothing listens there.
        let probe = try await TestFrameServer(.silent)
        let port = probe.port
        await probe.stop()
        let client = client(port: port)
        let first = await #expect(throws: FramedTCPError.self) { _ = try await client.send(Array("a".utf8)) }
        #expect(first?.code == .connect)
        // The second attempt waits out the backoff (80–120 ms) before trying.
        let start = ContinuousClock.now
        _ = await #expect(throws: FramedTCPError.self) { _ = try await client.send(Array("a".utf8)) }
        #expect(ContinuousClock.now - start >= .milliseconds(75))
        let server = try await TestFrameServer(.replyInPieces(reply: Array("ok".utf8), pieces: 1), port: port)
        #expect(try await client.send(Array("a".utf8)) == Array("ok".utf8))
        await client.shutdown()
        await server.stop()
    }

    @Test func withoutRepliesAWrittenFrameIsDelivered() async throws {
        let server = try await TestFrameServer(.silent)
        let client = client(port: server.port, expectsReply: false)
        #expect(try await client.send(Array("one".utf8)) == nil)
        #expect(try await client.send(Array("two".utf8)) == nil)
        await client.shutdown()
        for _ in 0..<100 where server.received.all.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.received.all == [Array("one".utf8), Array("two".utf8)])
        await server.stop()
    }
}
