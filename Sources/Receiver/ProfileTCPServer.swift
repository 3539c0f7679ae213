internal import NIOCore
internal import NIOPosix
public import PlatformProfile

/// `chemgate receive --profile FILE --tcp PORT`: a framed-TCP platform's stand-in. Cuts each
/// connection's stream into frames as the profile's transport says (however the bytes arrive), hands
/// every frame to the ``ProfileIntake`` and, when the profile says the platform replies, answers each
/// frame in the same framing.
public struct ProfileTCPServer: Sendable {
    public let intake: ProfileIntake
    public let framing: Framing
    public let host: String
    public let port: Int

    public init(intake: ProfileIntake, framing: Framing, host: String, port: Int) {
        self.intake = intake
        self.framing = framing
        self.host = host
        self.port = port
    }

    /// Listens until cancelled; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        await onListening(server.channel.localAddress?.port ?? port)
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var buffer: [UInt8] = []
            for try await chunk in inbound {
                buffer += chunk.readableBytesView
                while let frame = Self.cut(&buffer, framing: framing) {
                    let outcome = await intake.receive(frame)
                    if framing.expectsReply {
                        try await outbound.write(ByteBuffer(bytes: framing.frame(outcome.reply)))
                    }
                }
            }
        }
    }

    /// The first whole frame's payload, removed from `buffer`; nil while it is incomplete.
    static func cut(_ buffer: inout [UInt8], framing: Framing) -> [UInt8]? {
        switch framing.boundary {
        case .delimiter(let delimiter):
            guard !delimiter.isEmpty, buffer.count >= delimiter.count else { return nil }
            for start in 0...(buffer.count - delimiter.count)
            where buffer[start..<(start + delimiter.count)].elementsEqual(delimiter) {
                let frame = Array(buffer[..<start])
                buffer.removeFirst(start + delimiter.count)
                return frame
            }
            return nil
        case .lengthPrefix(let size):
            guard buffer.count >= size else { return nil }
            let length = buffer[..<size].reduce(0) { $0 << 8 | Int($1) }
            guard buffer.count >= size + length else { return nil }
            let frame = Array(buffer[size..<(size + length)])
            buffer.removeFirst(size + length)
            return frame
        }
    }
}
