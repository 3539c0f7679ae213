import CModbus
import Glibc

/// Owns one libmodbus context (`modbus_t *`) and frees it when released.
///
/// The only type that holds the raw handle. Not `Sendable`: a context belongs to the thread of the
/// link or server connection that created it.
final class ModbusContext {
    let raw: OpaquePointer
    private let closesOnRelease: Bool

    /// Wraps a context made by `modbus_new_*`.
    /// - Parameters:
    ///   - raw: the context.
    ///   - closesOnRelease: whether to `modbus_close` it before freeing it; false for contexts whose
    ///     descriptor belongs to someone else.
    init(raw: OpaquePointer, closesOnRelease: Bool = true) {
        self.raw = raw
        self.closesOnRelease = closesOnRelease
    }

    deinit {
        if closesOnRelease { modbus_close(raw) }
        modbus_free(raw)
    }

    /// Creates a client context for an endpoint, not yet connected.
    static func client(for endpoint: ModbusEndpoint) throws(SystemCallError) -> ModbusContext {
        let raw: OpaquePointer? =
            switch endpoint {
            case .tcp(let tcp): modbus_new_tcp_pi(tcp.host, String(tcp.port))
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
