import NIOCore

/// Cuts the inbound stream into frames, however the bytes arrive (a frame split over many reads,
/// many frames in one read). A frame over `maxFrameBytes` is an error, so a peer that never sends
/// the delimiter cannot make the buffer grow without bound.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let format: FrameFormat
    let maxFrameBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch format {
        case .delimiter(let delimiter):
            let view = buffer.readableBytesView
            guard let end = Self.firstIndex(of: delimiter, in: view) else {
                if buffer.readableBytes > maxFrameBytes + delimiter.count {
                    throw FramedTCPError(.tooLarge, "a reply of more than \(maxFrameBytes) bytes without its delimiter")
                }
                return .needMoreData
            }
            let length = end - view.startIndex
            guard length <= maxFrameBytes else {
                throw FramedTCPError(.tooLarge, "a reply frame of \(length) bytes; at most \(maxFrameBytes) are read")
            }
            let frame = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: delimiter.count)
            context.fireChannelRead(wrapInboundOut(frame))
            return .continue
        case .lengthPrefix(let size):
            guard buffer.readableBytes >= size else { return .needMoreData }
            var length = 0
            for byte in buffer.readableBytesView.prefix(size) { length = length << 8 | Int(byte) }
            guard length <= maxFrameBytes else {
                throw FramedTCPError(.tooLarge, "a reply frame of \(length) bytes; at most \(maxFrameBytes) are read")
            }
            guard buffer.readableBytes >= size + length else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: size)
            context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: length)!))
            return .continue
        }
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        // A frame cut off by the peer closing is not a frame: what is left is dropped.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    private static func firstIndex(of needle: [UInt8], in view: ByteBufferView) -> Int? {
        guard let first = needle.first, view.count >= needle.count else { return nil }
        var index = view.startIndex
        let last = view.endIndex - needle.count
        while index <= last {
            guard let found = view[index...last].firstIndex(of: first) else { return nil }
            if view[found..<(found + needle.count)].elementsEqual(needle) { return found }
            index = found + 1
        }
        return nil
    }
}
