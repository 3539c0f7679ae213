import CModbus
import Glibc

/// Serves the requests arriving on one libmodbus context: one TCP client, or one serial line.
///
/// Runs on the thread that created it; not `Sendable`.
final class ServerSession {
    private let context: ModbusContext
    private let handler: any ModbusRequestHandler
    private let mapping: UnsafeMutablePointer<modbus_mapping_t>
    private var query = [UInt8](repeating: 0, count: 260)
    private let headerLength: Int
    /// Called just before a reply whose checksum must be corrupted on the wire.
    private let corruptNextReply: (() -> Void)?
    /// On a pty standing in for a serial line: hold each reply until it would have arrived on the wire.
    private let wireTime: RTUWireTime?

    init(
        context: ModbusContext,
        handler: any ModbusRequestHandler,
        corruptNextReply: (() -> Void)? = nil,
        wireTime: RTUWireTime? = nil
    ) {
        self.context = context
        self.handler = handler
        self.corruptNextReply = corruptNextReply
        self.wireTime = wireTime
        // One bank covering the whole address space: a request's values are copied in just before
        // modbus_reply, so libmodbus builds every reply itself.
        self.mapping = modbus_mapping_new(65536, 65536, 65536, 65536)
        self.headerLength = Int(modbus_get_header_length(context.raw))
    }

    deinit { modbus_mapping_free(mapping) }

    /// Sets the unit id libmodbus expects in the next RTU frame (it ignores frames for others).
    func expectUnit(_ unit: UInt8) {
        modbus_set_slave(context.raw, Int32(unit))
    }

    enum Outcome {
        case served
        /// A malformed frame, a CRC error or a byte timeout: the session goes on.
        case badFrame(SystemCallError)
        /// The peer went away or the server is stopping.
        case closed
    }

    /// Waits for one request and answers it.
    func serveOne() -> Outcome {
        let length: Int32
        do throws(SystemCallError) {
            let raw = context.raw
            length = try query.withUnsafeMutableBufferPointer { buffer throws(SystemCallError) in
                try modbusCall { modbus_receive(raw, buffer.baseAddress) }
            }
        } catch {
            switch error.code {
            case ECONNRESET, EBADF, EPIPE, ENOTCONN: return .closed
            default: return .badFrame(error)
            }
        }
        guard length > 0 else { return .served }  // a frame for another unit, already dropped
        let arrival = ContinuousClock.now
        let request = decode()
        let response = handler.respond(to: request)
        if response.delay > .zero { blockThread(for: response.delay) }
        if response.corruptChecksum { corruptNextReply?() }
        if let wireTime { holdForWire(wireTime, request: request, reply: response.reply, since: arrival) }
        if let header = response.header, headerLength == 7, !response.reply.isSilent {
            replyWithCorruptHeader(response.reply, header: header, to: request, length: length)
        } else {
            reply(response.reply, to: request, length: length)
        }
        // The line stays silent for t3.5 after the reply before the next request may start.
        if let wireTime, !response.reply.isSilent { blockThread(for: wireTime.interFrameSilence) }
        return .served
    }

    /// Waits until `request + t3.5 + response` has passed since the request arrived whole (the pty
    /// delivered it at once; on the line its last byte would only now have arrived).
    private func holdForWire(
        _ wireTime: RTUWireTime,
        request: ModbusServerRequest,
        reply: ModbusServerResponse.Reply,
        since arrival: ContinuousClock.Instant
    ) {
        let requestBytes = RTUWireTime.requestBytes(functionCode: request.functionCode, count: request.count)
        var hold = wireTime.frame(bytes: requestBytes)
        if !reply.isSilent {
            let responseBytes = RTUWireTime.responseBytes(
                functionCode: request.functionCode,
                count: request.count,
                exception: reply.isException
            )
            hold += wireTime.interFrameSilence + wireTime.frame(bytes: responseBytes)
        }
        let remaining = arrival + hold - ContinuousClock.now
        if remaining > .zero { blockThread(for: remaining) }
    }

    /// Lets libmodbus build the TCP reply into a socket pair, corrupts its MBAP header, and sends it.
    private func replyWithCorruptHeader(
        _ answer: ModbusServerResponse.Reply,
        header: MBAPCorruption,
        to request: ModbusServerRequest,
        length: Int32
    ) {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return }
        defer {
            close(pair[0])
            close(pair[1])
        }
        let client = modbus_get_socket(context.raw)
        modbus_set_socket(context.raw, pair[0])
        reply(answer, to: request, length: length)
        modbus_set_socket(context.raw, client)
        var frame = [UInt8](repeating: 0, count: 512)
        let count = recv(pair[1], &frame, frame.count, Int32(MSG_DONTWAIT))
        guard count >= 7 else { return }
        frame.removeSubrange(count...)
        header.apply(to: &frame)
        _ = frame.withUnsafeBytes { send(client, $0.baseAddress, frame.count, Int32(MSG_NOSIGNAL)) }
    }

    private func decode() -> ModbusServerRequest {
        let h = headerLength
        let unit = query[h - 1]
        let function = query[h]
        let address = UInt16(query[h + 1]) << 8 | UInt16(query[h + 2])
        let quantity = Int(UInt16(query[h + 3]) << 8 | UInt16(query[h + 4]))
        let (table, count, isWrite): (ModbusTable?, Int, Bool) =
            switch function {
            case 1: (.coil, quantity, false)
            case 2: (.discrete, quantity, false)
            case 3: (.holding, quantity, false)
            case 4: (.input, quantity, false)
            case 5: (.coil, 1, true)
            case 6: (.holding, 1, true)
            case 15: (.coil, quantity, true)
            case 16: (.holding, quantity, true)
            default: (nil, 0, false)
            }
        return ModbusServerRequest(
            unit: unit,
            functionCode: function,
            table: table,
            address: table == nil ? 0 : address,
            count: count,
            isWrite: isWrite,
            isSerial: h == 1
        )
    }

    private func reply(_ reply: ModbusServerResponse.Reply, to request: ModbusServerRequest, length: Int32) {
        let raw = context.raw
        let failure = UInt32(ModbusException.serverDeviceFailure.rawValue)
        let start = Int(request.address)
        switch reply {
        case .noReply:
            return
        case .exception(let exception):
            _ = modbus_reply_exception(raw, query, UInt32(exception.rawValue))
        case .registers(let values):
            guard request.table == .holding || request.table == .input, values.count == request.count else {
                _ = modbus_reply_exception(raw, query, failure)
                return
            }
            let bank = request.table == .holding ? mapping.pointee.tab_registers! : mapping.pointee.tab_input_registers!
            for (offset, value) in values.enumerated() { bank[start + offset] = value }
            _ = modbus_reply(raw, query, length, mapping)
        case .bits(let values):
            guard request.table == .coil || request.table == .discrete, values.count == request.count else {
                _ = modbus_reply_exception(raw, query, failure)
                return
            }
            let bank = request.table == .coil ? mapping.pointee.tab_bits! : mapping.pointee.tab_input_bits!
            for (offset, value) in values.enumerated() { bank[start + offset] = value ? 1 : 0 }
            _ = modbus_reply(raw, query, length, mapping)
        case .acceptWrite:
            guard request.isWrite, let table = request.table else {
                _ = modbus_reply_exception(raw, query, UInt32(ModbusException.illegalFunction.rawValue))
                return
            }
            guard modbus_reply(raw, query, length, mapping) != -1 else { return }
            let range = start..<start + request.count
            let written: ModbusData =
                table == .coil
                ? .bits(range.map { mapping.pointee.tab_bits[$0] != 0 })
                : .registers(range.map { mapping.pointee.tab_registers[$0] })
            handler.didWrite(request, values: written)
        }
    }
}
