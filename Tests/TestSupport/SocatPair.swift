import Foundation

/// Two connected pseudo-terminals made by `socat`, standing in for an RS-485 line: the device
/// (simulator) opens ``deviceSide``, the gateway opens ``gatewaySide``.
public final class SocatPair: Sendable {
    public let deviceSide: String
    public let gatewaySide: String
    private let socat: ChildProcess

    public init() async throws {
        let directory = try Tools.temporaryDirectory()
        deviceSide = directory.appendingPathComponent("device").path
        gatewaySide = directory.appendingPathComponent("gateway").path
        socat = try ChildProcess(
            "socat",
            ["-d", "-d", "pty,raw,echo=0,link=\(deviceSide)", "pty,raw,echo=0,link=\(gatewaySide)"]
        )
        try await socat.waitForLine(containing: "starting data transfer loop")
        guard FileManager.default.fileExists(atPath: deviceSide), FileManager.default.fileExists(atPath: gatewaySide)
        else {
            throw TestFailure("socat did not create its pty links; output:\n\(socat.text)")
        }
    }

    /// The gateway side as an endpoint URL with the given character format.
    public func gatewayURL(baud: Int = 19200, parity: String = "E") -> String {
        "rtu://\(gatewaySide)?baud=\(baud)&parity=\(parity)"
    }

    /// The device side as an endpoint URL with the given character format.
    public func deviceURL(baud: Int = 19200, parity: String = "E") -> String {
        "rtu://\(deviceSide)?baud=\(baud)&parity=\(parity)"
    }
}
