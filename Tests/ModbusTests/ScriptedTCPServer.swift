import Foundation
import Synchronization

/// A Modbus TCP server that answers each read with the bytes a test script gives: a device or
/// gateway that misbehaves in exactly one way (wrong unit id, protocol id, MBAP length, exception
/// code…). It reads requests by their MBAP length, as a device does, and never checks them.
final class ScriptedTCPServer: Sendable {
    /// A read request as it arrived.
    struct Request: Sendable {
        var transaction: UInt16
        var unit: UInt8
        var function: UInt8
        var address: UInt16
        var count: Int
        /// How many requests the server received before this one, on any connection.
        var index: Int

        /// The reply a correct device sends: holding/input register N holds N, coil N is N odd.
        var correctReply: [UInt8] {
            let pdu: [UInt8]
            if function == 1 || function == 2 {
                var packed = [UInt8](repeating: 0, count: (count + 7) / 8)
                for bit in 0..<count where (Int(address) + bit) % 2 == 1 { packed[bit / 8] |= 1 << (bit % 8) }
                pdu = [function, UInt8(packed.count)] + packed
            } else {
                let values = (0..<count).flatMap { offset -> [UInt8] in
                    let value = UInt16(truncatingIfNeeded: Int(address) + offset)
                    return [UInt8(value >> 8), UInt8(value & 0xFF)]
                }
                pdu = [function, UInt8(values.count)] + values
            }
            return Self.frame(transaction: transaction, protocolID: 0, unit: unit, pdu: pdu)
        }

        /// An ADU with a correct MBAP length unless `length` is given.
        static func frame(transaction: UInt16, protocolID: UInt16, unit: UInt8, pdu: [UInt8], length: Int? = nil)
            -> [UInt8]
        {
            let declared = UInt16(truncatingIfNeeded: length ?? (pdu.count + 1))
            return [
                UInt8(transaction >> 8), UInt8(transaction & 0xFF), UInt8(protocolID >> 8), UInt8(protocolID & 0xFF),
                UInt8(declared >> 8), UInt8(declared & 0xFF), unit,
            ] + pdu
        }
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(requests: Int, connections: Int, clients: Set<Int32>, stopped: Bool)>(
        (0, 0, [], false)
    )
    private let script: @Sendable (Request) -> [UInt8]

    /// Listens on a free port of 127.0.0.1.
    /// - Parameter script: the bytes to send in reply to each request (nothing: stay silent).
    init(script: @escaping @Sendable (Request) -> [UInt8]) throws {
        self.script = script
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listener = self.listener
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(listener, raw, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, raw, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Connections accepted so far.
    var connections: Int { state.withLock { $0.connections } }

    func stop() {
        state.withLock { state in
            // Once only: after the accept loop ends, the listener's number may belong to another socket.
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for client in state.clients { shutdown(client, Int32(SHUT_RDWR)) }
        }
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { break }
            let keep = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections += 1
                state.clients.insert(client)
                return true
            }
            guard keep else {
                close(client)
                break
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
        close(listener)
    }

    private func serve(_ client: Int32) {
        while let header = receive(client, count: 7) {
            let length = Int(UInt16(header[4]) << 8 | UInt16(header[5]))
            guard length >= 2, let pdu = receive(client, count: length - 1), pdu.count >= 5 else { break }
            let index = state.withLock { state -> Int in
                state.requests += 1
                return state.requests - 1
            }
            let request = Request(
                transaction: UInt16(header[0]) << 8 | UInt16(header[1]),
                unit: header[6],
                function: pdu[0],
                address: UInt16(pdu[1]) << 8 | UInt16(pdu[2]),
                count: Int(UInt16(pdu[3]) << 8 | UInt16(pdu[4])),
                index: index
            )
            let reply = script(request)
            if !reply.isEmpty {
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, reply.count, Int32(MSG_NOSIGNAL)) }
            }
        }
        state.withLock { _ = $0.clients.remove(client) }
        close(client)
    }

    private func receive(_ client: Int32, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress! + received, count - received, 0) }
            guard result > 0 else { return nil }
            received += result
        }
        return buffer
    }
}
