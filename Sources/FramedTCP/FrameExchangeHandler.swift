import NIOCore

/// One frame to write, and the promise its reply (or, without replies, its write) completes.
struct FrameRequest: Sendable {
    var bytes: ByteBuffer
    var expectsReply: Bool
    var promise: EventLoopPromise<ByteBuffer?>
}

/// Matches replies to frames in order. A frame's promise succeeds only once the frame was written
/// in full and, where a reply is expected, its reply arrived; it fails when the write fails or the
/// connection closes first.
final class FrameExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = FrameRequest
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<ByteBuffer?>>()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        let written = context.eventLoop.makePromise(of: Void.self)
        if request.expectsReply { waiting.append(request.promise) }
        written.futureResult.whenComplete { result in
            switch result {
            case .success:
                if !request.expectsReply { request.promise.succeed(nil) }
            case .failure(let error):
                request.promise.fail(FramedTCPError(.closed, "the frame was not fully written: \(error)"))
            }
        }
        context.write(wrapOutboundOut(request.bytes), promise: written)
        promise?.succeed(())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        // A reply nobody waits for (the peer's own chatter) is dropped.
        waiting.popFirst()?.succeed(reply)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(FramedTCPError(.closed, "the connection closed before the reply"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error as? FramedTCPError ?? FramedTCPError(.closed, "the connection failed: \(error)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: FramedTCPError) {
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}
