import CModbus
import Glibc

extension ModbusError.Kind {
    /// Classifies the errno a libmodbus call left behind.
    /// - Parameters:
    ///   - failure: the captured errno.
    ///   - timeout: the response timeout in force, for the message.
    ///   - connecting: whether the call was `modbus_connect`.
    init(_ failure: SystemCallError, timeout: Duration, connecting: Bool = false) {
        let code = failure.code
        let exceptionBase = Int32(MODBUS_ENOBASE)
        switch code {
        case exceptionBase...(exceptionBase + 11):
            // libmodbus 3.1.6 sets MODBUS_ENOBASE + code for every code below 12, 0 and 9 included;
            // those two are not exceptions Modbus defines (errno 112345678 printed as "Unknown error").
            let exception = UInt8(code - exceptionBase)
            self =
                ModbusException.isDefined(exception)
                ? .exception(ModbusException(rawValue: exception))
                : .invalidResponse(ModbusException.invalidCodeText(exception))
        case CModbus_EMBBADCRC: self = .badCRC
        case CModbus_EMBBADSLAVE: self = .wrongUnit
        case CModbus_EMBBADDATA: self = .invalidResponse("unexpected length or transaction id")
        case CModbus_EMBMDATA: self = .invalidResponse("more data than the request allows")
        case CModbus_EMBBADEXC:
            self = .invalidResponse(
                "malformed exception reply: a wrong length, or an exception code above 11 that Modbus does not define"
            )
        case CModbus_EMBUNKEXC: self = .invalidResponse("unknown exception code")
        case ETIMEDOUT: self = connecting ? .connectTimeout(timeout) : .timeout(timeout)
        case EINPROGRESS where connecting: self = .connectTimeout(timeout)
        case ECONNREFUSED: self = .connectionRefused
        case ECONNRESET, EPIPE, EBADF, ENOTCONN: self = .connectionReset
        case EMFILE, ENFILE:
            // The gateway's own limit, not the device's fault: a link failure, so that no device is
            // demoted for it and the link backs off and reconnects once descriptors are free again.
            self = .cannotOpen(
                "the gateway has no file descriptor left (\(failure.text)): raise its open-file limit "
                    + "(LimitNOFILE, ulimit -n) or look for what holds so many connections"
            )
        case ENOENT, EACCES, EBUSY, ENODEV, ENXIO, ENOTTY, EHOSTUNREACH, ENETUNREACH:
            self = .cannotOpen(failure.text)
        default: self = .system(code, failure.text)
        }
    }

    /// Whether the link should drop its connection (or serial port) and open it again.
    var breaksConnection: Bool {
        switch self {
        case .connectionReset, .connectionRefused, .connectTimeout, .cannotOpen: true
        case .system(let code, _): code == EIO
        default: false
        }
    }

    /// Whether stale bytes may sit in the input buffer and must be flushed before the next request.
    var needsFlush: Bool {
        switch self {
        case .timeout, .badCRC, .wrongUnit, .invalidResponse: true
        default: false
        }
    }

    /// Whether a frame arrived that does not fit (noise, another unit's reply, a late answer to an
    /// earlier request): the rest of it, and the right reply, may still be coming.
    var needsQuietPeriod: Bool {
        switch self {
        case .badCRC, .wrongUnit, .invalidResponse: true
        default: false
        }
    }

    /// A short snake_case name for counters: `timeout`, `exception_02`, `bad_crc`, …
    public var metricName: String {
        switch self {
        case .exception(let exception):
            exception.rawValue < 10 ? "exception_0\(exception.rawValue)" : "exception_\(exception.rawValue)"
        case .timeout: "timeout"
        case .badCRC: "bad_crc"
        case .wrongUnit: "wrong_unit"
        case .invalidResponse: "invalid_response"
        case .connectionRefused: "connection_refused"
        case .connectTimeout: "connect_timeout"
        case .connectionReset: "connection_reset"
        case .cannotOpen: "cannot_open"
        case .invalidRequest: "invalid_request"
        case .writeNotPermitted: "write_not_permitted"
        case .invalidEndpoint: "invalid_endpoint"
        case .cancelled: "cancelled"
        case .system: "system"
        }
    }

    var isTimeout: Bool {
        if case .timeout = self { return true }
        return false
    }
}
