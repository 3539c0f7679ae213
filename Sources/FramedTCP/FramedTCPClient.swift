public import GatewayCore
public import NIOCore
public import NIOPosix

/// A platform's framed TCP channel: one persistent connection, one frame per message, an optional
/// reply per frame, reconnection with capped, jittered backoff.
///
/// ``send(_:)`` returns only once the frame was written in full and, when replies are expected, its
/// reply arrived; any other outcome throws, so a caller acknowledges records only on a return.
/// Frames are sent one at a time, in call order.
public actor FramedTCPClient {
    /// Where to connect and how frames look.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var format: FrameFormat
        /// Whether the platform answers every frame (in the same framing).
        public var expectsReply: Bool
        /// The largest reply frame read.
        public var maxReplyBytes: Int
        public var connectTimeout: Duration
        /// How long to wait for a frame's reply before the connection is given up.
        public var replyTimeout: Duration
        /// The delay between failed connection attempts.
        public var backoff: ReconnectBackoff

        public init(
            host: String,
            port: Int,
            format: FrameFormat,
            expectsReply: Bool,
            maxReplyBytes: Int = 1 << 20,
            connectTimeout: Duration = .seconds(5),
            replyTimeout: Duration = .seconds(10),
            backoff: ReconnectBackoff = ReconnectBackoff(initial: .milliseconds(500), maximum: .seconds(30))
        ) {
            self.host = host
            self.port = port
            self.format = format
            self.expectsReply = expectsReply
            self.maxReplyBytes = maxReplyBytes
            self.connectTimeout = connectTimeout
            self.replyTimeout = replyTimeout
            self.backoff = backoff
        }
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup
    private var channel: (any Channel)?
    private var backoff: ReconnectBackoff
    private var nextAttempt: ContinuousClock.Instant?
    private var random = SystemRandomNumberGenerator()
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []
    private var isShutDown = false
    /// Connections opened so far (for status and tests).
    public private(set) var connections = 0

    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.backoff = configuration.backoff
    }

    /// Sends one frame (`payload` plus its delimiter or length prefix) and waits for its reply.
    /// - Returns: the reply frame's bytes, or nil when the configuration expects no reply (then the
    ///   frame was written in full to the socket).
    /// - Throws: ``FramedTCPError``; the frame must then be treated as not delivered.
    public func send(_ payload: [UInt8]) async throws(FramedTCPError) -> [UInt8]? {
        await acquire()
        defer { release() }
        guard !isShutDown else { throw FramedTCPError(.shutDown, "the framed TCP client was shut down") }
        guard let wire = configuration.format.encode(payload) else {
            throw FramedTCPError(.tooLarge, "a frame of \(payload.count) bytes does not fit its length prefix")
        }
        let channel = try await connected()
        let promise = channel.eventLoop.makePromise(of: ByteBuffer?.self)
        let what = "\(configuration.host):\(configuration.port)"
        let limit = configuration.replyTimeout
        let timeout = channel.eventLoop.scheduleTask(in: Self.timeAmount(limit)) {
            promise.fail(FramedTCPError(.replyTimeout, "no reply from \(what) within \(limit)"))
            channel.close(promise: nil)
        }
        channel.writeAndFlush(
            FrameRequest(bytes: ByteBuffer(bytes: wire), expectsReply: configuration.expectsReply, promise: promise),
            promise: nil
        )
        do {
            let reply = try await promise.futureResult.get()
            timeout.cancel()
            return reply.map { Array($0.readableBytesView) }
        } catch {
            timeout.cancel()
            drop(channel)
            throw error as? FramedTCPError ?? FramedTCPError(.closed, "\(what): \(error)")
        }
    }

    /// Closes the connection; later sends throw ``FramedTCPError/Code/shutDown``.
    public func shutdown() async {
        isShutDown = true
        if let channel { try? await channel.close() }
        channel = nil
    }

    private func connected() async throws(FramedTCPError) -> any Channel {
        if let channel, channel.isActive { return channel }
        if let channel { drop(channel) }
        if let nextAttempt, nextAttempt > .now {
            do {
                try await Task.sleep(until: nextAttempt, clock: .continuous)
            } catch {
                throw FramedTCPError(.shutDown, "cancelled while waiting to reconnect")
            }
        }
        let configuration = configuration
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(Self.timeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(
                            FrameDecoder(format: configuration.format, maxFrameBytes: configuration.maxReplyBytes)
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(FrameExchangeHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            self.channel = channel
            backoff.succeeded()
            nextAttempt = nil
            connections += 1
            return channel
        } catch {
            let now = ContinuousClock.now
            let delay = backoff.failed(at: .zero, random: &random)
            nextAttempt = now + delay
            throw FramedTCPError(
                .connect,
                "cannot connect to \(configuration.host):\(configuration.port): \(error); next attempt in \(delay)"
            )
        }
    }

    private func drop(_ channel: any Channel) {
        channel.close(promise: nil)
        if self.channel === channel { self.channel = nil }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    private func release() {
        if queue.isEmpty {
            busy = false
        } else {
            queue.removeFirst().resume()
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
