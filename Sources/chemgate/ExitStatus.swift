import ArgumentParser
import Modbus

/// The exit codes of every chemgate command, documented in `--help`.
enum ExitStatus: Int32 {
    case success = 0
    /// The device answered with a Modbus exception.
    case deviceException = 1
    /// No valid answer: timeout, CRC error, connection refused or reset.
    case communicationFailure = 2
    /// The endpoint cannot be opened (serial device, host name, address in use).
    case cannotOpen = 3
    /// A usage error: bad option, endpoint URL or request (argument-parser's validation code).
    case usage = 64

    static let helpText = """
        Exit codes:
          0   success
          1   the device answered with a Modbus exception (e.g. 02 illegal data address)
          2   no valid answer: timeout, CRC error, connection refused or reset
          3   the endpoint cannot be opened (serial device missing or busy, address in use)
          64  usage error: bad option, endpoint URL or request
        """

    init(_ error: ModbusError) {
        switch error.kind {
        case .exception: self = .deviceException
        case .cannotOpen: self = .cannotOpen
        case .invalidEndpoint, .invalidRequest, .writeNotPermitted: self = .usage
        default: self = .communicationFailure
        }
    }

    var exitCode: ExitCode { ExitCode(rawValue) }
}
