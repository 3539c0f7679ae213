import CModbus
import Glibc

/// Owns one libmodbus context (`modbus_t *`) and frees it when released.
///
/// The only type that holds the raw handle. Not `Sendable`: a context belongs to the thread of the
/// link or server connection that created it.
final class ModbusContext {
    let raw: OpaquePointer
    private let closesOnRelease: Bool
    /// A descriptor the context reads and writes but libmodbus did not open (a TCP socket or one end
    /// of a socket pair): closed on release, and flushed by reading, since `tcflush` does not apply.
    let streamDescriptor: Int32?

    /// Wraps a context made by `modbus_new_*`.
    /// - Parameters:
    ///   - raw: the context.
    ///   - closesOnRelease: whether to `modbus_close` it before freeing it; false for contexts whose
    ///     descriptor belongs to someone else.
    init(raw: OpaquePointer, closesOnRelease: Bool = true) {
        self.raw = raw
        self.closesOnRelease = closesOnRelease
        self.streamDescriptor = nil
    }

    /// An RTU context driven over a connected stream `descriptor` it now owns: libmodbus's RTU backend
    /// frames, checks the CRC of, reads (`select`, `read`) and writes (`write`) the descriptor as it
    /// would a serial port. `modbus_connect` is never called (it would set termios on the descriptor).
    init?(rtuOver descriptor: Int32) {
        // The device name and format are never used: the context is never connected.
        guard let raw = modbus_new_rtu("/dev/null", 9600, CChar(UInt8(ascii: "N")), 8, 1) else { return nil }
        modbus_set_socket(raw, descriptor)
        self.raw = raw
        self.closesOnRelease = false
        self.streamDescriptor = descriptor
    }

    deinit {
        if closesOnRelease { modbus_close(raw) }
        if let streamDescriptor {
            modbus_set_socket(raw, -1)
            close(streamDescriptor)
        }
        modbus_free(raw)
    }

    /// Discards input already received: `modbus_flush` on a serial port; on a stream (where
    /// `tcflush` does not apply) whatever can be read without waiting.
    func flush() {
        guard let streamDescriptor else {
            modbus_flush(raw)
            return
        }
        var scratch = [UInt8](repeating: 0, count: 512)
        while recv(streamDescriptor, &scratch, scratch.count, Int32(MSG_DONTWAIT)) > 0 {}
    }

    /// Creates a client context for an endpoint, not yet connected.
    static func client(for endpoint: ModbusEndpoint) throws(SystemCallError) -> ModbusContext {
        let raw: OpaquePointer? =
            switch endpoint {
            case .tcp(let tcp): modbus_new_tcp_pi(tcp.host, String(tcp.port))
            case .rtuOverTCP, .dtu: nil  // driven over a socket: init(rtuOver:)
            case .rtu(let port):
                modbus_new_rtu(
                    port.path,
                    Int32(port.baud),
                    CChar(UInt8(ascii: port.parity.rawValue.unicodeScalars.first!)),
                    Int32(port.dataBits),
                    Int32(port.stopBits)
                )
            }
        guard let raw else { throw SystemCallError.capture() }
        return ModbusContext(raw: raw)
    }

    /// Creates a context for `endpoint` and connects it (opens the serial port).
    ///
    /// A pseudo-terminal (a `socat` pty standing in for a line) can refuse parity: on some kernels
    /// `tcsetattr` with `PARENB` fails with EINVAL when the pty is opened again, so a restarted
    /// gateway or simulator never got its line back. On a pty only, and only for that error, the
    /// port is opened again without parity (parity means nothing to a pty, which carries bytes, not
    /// bits); `parityNotApplied` then says which parity was asked for, for the caller to log once.
    /// A real serial port never falls back.
    /// - Parameter configure: applied to the context before it connects (timeouts, recovery mode).
    static func connected(to endpoint: ModbusEndpoint, configure: (ModbusContext) -> Void) throws(SystemCallError)
        -> (context: ModbusContext, parityNotApplied: SerialPort.Parity?)
    {
        let context = try client(for: endpoint)
        configure(context)
        do throws(SystemCallError) {
            try modbusCall { modbus_connect(context.raw) }
            return (context, nil)
        } catch {
            guard error.code == EINVAL, case .rtu(let port) = endpoint, port.parity != .none, port.isPseudoTerminal
            else { throw error }
            var withoutParity = port
            withoutParity.parity = .none
            let fallback = try client(for: .rtu(withoutParity))
            configure(fallback)
            try modbusCall { modbus_connect(fallback.raw) }
            return (fallback, port.parity)
        }
    }

    func setResponseTimeout(_ duration: Duration) {
        let (seconds, microseconds) = duration.secondsAndMicroseconds
        modbus_set_response_timeout(raw, seconds, microseconds)
    }

    func setByteTimeout(_ duration: Duration?) {
        let (seconds, microseconds) = duration?.secondsAndMicroseconds ?? (0, 0)
        modbus_set_byte_timeout(raw, seconds, microseconds)
    }
}

/// The `errno` of a failed C call, read immediately after the call returned.
struct SystemCallError: Error {
    let code: Int32

    /// Reads `errno` now. Call it right after the failing call, before anything else runs.
    static func capture() -> SystemCallError { SystemCallError(code: errno) }

    /// `strerror` for system errors, `modbus_strerror` for libmodbus's own numbers.
    var text: String { String(cString: modbus_strerror(code)) }
}

/// Runs a libmodbus call that returns -1 on failure and captures `errno` at once (after NIO's
/// `syscall(blocking:where:_:)`).
@discardableResult
func modbusCall(_ body: () -> Int32) throws(SystemCallError) -> Int32 {
    let result = body()
    if result == -1 { throw SystemCallError.capture() }
    return result
}

extension Duration {
    /// Whole seconds and the remaining microseconds, as libmodbus's timeout setters take them.
    var secondsAndMicroseconds: (UInt32, UInt32) {
        let (seconds, attoseconds) = components
        return (UInt32(clamping: seconds), UInt32(clamping: attoseconds / 1_000_000_000_000))
    }
}
