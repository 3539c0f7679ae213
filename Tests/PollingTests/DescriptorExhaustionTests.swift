import Glibc
import Polling
import Testing

@testable import Modbus

/// A gateway out of file descriptors (EMFILE/ENFILE) is the gateway's fault, not the device's:
/// the failure is a link failure (the link backs off and reconnects; no device is demoted for it),
/// never an unnamed system error that counts against the device.
@Suite("Descriptor exhaustion")
struct DescriptorExhaustionTests {
    @Test(arguments: [EMFILE, ENFILE])
    func runningOutOfDescriptorsIsALinkFailureThatNamesTheLimit(code: Int32) {
        for connecting in [true, false] {
            let kind = ModbusError.Kind(SystemCallError(code: code), timeout: .seconds(1), connecting: connecting)
            #expect(kind.breaksConnection)
            let error = ModbusError(kind, unit: 1, endpoint: "tcp://127.0.0.1:502", operation: "read")
            #expect(error.isLinkFailure, "no device is blamed for the gateway's own limit")
            #expect(error.description.contains("open-file limit"), "\(error)")
        }
    }
}
