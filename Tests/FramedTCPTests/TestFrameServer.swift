import NIOCore
import NIOPosix
import Synchronization

/// A real TCP server on 127.0.0.1 for the framed TCP tests, with a behaviour per test: reply in
/// pieces (a reply split across the client's reads), close in the middle of a reply, or stay silent.
final class TestFrameServer: Sendable {
    enum Behaviour: Sendable {
        /// Answers every `@@`-ended frame with `reply` + `@@`, written in `pieces` separate writes.
        case replyInPieces(reply: [UInt8], pieces: Int)
        /// Echoes every length-prefixed (2-byte) frame back, one byte per write.
        case echoLengthPrefixed
        /// Writes the first half of a reply, then closes, on the first frame.
        case closeMidReply
        /// Reads and never answers.
        case silent
    }

    let channel: any Channel
    let received: ReceivedFrames

    var port: Int { channel.localAddress?.port ?? 0 }

    init(_ behaviour: Behaviour, port: Int = 0) async throws {
        let received = ReceivedFrames()
        self.received = received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ServerHandler(behaviour: behaviour, received: received)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    func stop() async {
        try? await channel.close()
    }
}

/// The frames a server received, from all its connections, in order.
final class ReceivedFrames: Sendable {
    private let storage = Mutex<[[UInt8]]>([])

    func append(_ frame: [UInt8]) { storage.withLock { $0.append(frame) } }

    var all: [[UInt8]] { storage.withLock { $0 } }
}

/// One connection of the test server.
private final class ServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: TestFrameServer.Behaviour
    let received: ReceivedFrames
    private var buffer: [UInt8] = []

    init(behaviour: TestFrameServer.Behaviour, received: ReceivedFrames) {
        self.behaviour = behaviour
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        buffer += Array(unwrapInboundIn(data).readableBytesView)
        switch behaviour {
        case .echoLengthPrefixed:
            while buffer.count >= 2 {
                let length = Int(buffer[0]) << 8 | Int(buffer[1])
                guard buffer.count >= 2 + length else { break }
                let frame = Array(buffer[0..<(2 + length)])
                buffer.removeFirst(2 + length)
                received.append(Array(frame.dropFirst(2)))
                for byte in frame { context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: [byte])), promise: nil) }
            }
        case .replyInPieces(let reply, let pieces):
            while let end = delimiterEnd() {
                received.append(Array(buffer[0..<(end - 2)]))
                buffer.removeFirst(end)
                let wire = reply + Array("@@".utf8)
                let size = max(1, (wire.count + pieces - 1) / pieces)
                let loop = context.eventLoop
                let bound = NIOLoopBound(context, eventLoop: loop)
                for (index, start) in stride(from: 0, to: wire.count, by: size).enumerated() {
                    let piece = Array(wire[start..<min(start + size, wire.count)])
                    loop.scheduleTask(in: .milliseconds(Int64(5 * index))) {
                        bound.value.writeAndFlush(NIOAny(ByteBuffer(bytes: piece)), promise: nil)
                    }
                }
            }
        case .closeMidReply:
            if let end = delimiterEnd() {
                received.append(Array(buffer[0..<(end - 2)]))
                buffer.removeFirst(end)
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: Array(#"{"co"#.utf8))), promise: nil)
                context.close(promise: nil)
            }
        case .silent:
            while let end = delimiterEnd() {
                received.append(Array(buffer[0..<(end - 2)]))
                buffer.removeFirst(end)
            }
        }
    }

    /// The index just past the first `@@`, if the buffer holds one.
    private func delimiterEnd() -> Int? {
        guard buffer.count >= 2 else { return nil }
        for index in 0..<(buffer.count - 1) where buffer[index] == 0x40 && buffer[index + 1] == 0x40 {
            return index + 2
        }
        return nil
    }
}
