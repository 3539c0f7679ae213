import CModbus
import Glibc

extension ModbusLink {
    /// Opens the connection of an RTU-over-TCP or DTU link: libmodbus's RTU backend driven over a
    /// socket (``ModbusContext/init(rtuOver:)``), so framing and CRC stay libmodbus's.
    ///
    /// - `rtu+tcp://`: a TCP connection to the device server, made here within the connect timeout.
    /// - `dtu://`: the session end of the socket pair behind the DTU's current connection, which
    ///   takes the DTU's heartbeats out of the stream (``DTUConnection``).
    func openStream(unit: UInt8, operation: String) throws(ModbusError) -> ModbusContext {
        let descriptor: Int32
        switch endpoint {
        case .rtuOverTCP(let server):
            do throws(StreamConnectError) {
                descriptor = try TCPStream.connect(
                    host: server.host,
                    port: server.port,
                    timeout: options.connectTimeout
                )
            } catch {
                let kind: ModbusError.Kind
                switch error {
                case .resolution(let text): kind = .cannotOpen("cannot resolve the host '\(server.host)': \(text)")
                case .system(let system):
                    kind = ModbusError.Kind(system, timeout: options.connectTimeout, connecting: true)
                }
                throw streamFailure(kind, unit: unit, operation: operation)
            }
        case .dtu(let dtu):
            guard let dtuListener else {
                throw streamFailure(
                    .cannotOpen(
                        "a DTU connects in: a dtu:// link is reached only through the DTU listener of "
                            + "chemgate run (dtu_listen in the site configuration)"
                    ),
                    unit: unit,
                    operation: operation
                )
            }
            guard let claimed = dtuListener.claim(registrationID: dtu.registrationID) else {
                throw streamFailure(
                    .cannotOpen(dtuListener.notConnectedReason(registrationID: dtu.registrationID)),
                    unit: unit,
                    operation: operation
                )
            }
            descriptor = claimed
        case .tcp, .rtu:
            preconditionFailure("openStream is for rtu+tcp:// and dtu:// links")
        }
        guard let context = ModbusContext(rtuOver: descriptor) else {
            let code = errno
            Glibc.close(descriptor)
            throw streamFailure(.system(code, "cannot create an RTU context"), unit: unit, operation: operation)
        }
        context.setResponseTimeout(options.responseTimeout)
        context.setByteTimeout(options.byteTimeout)
        modbus_set_error_recovery(context.raw, MODBUS_ERROR_RECOVERY_NONE)
        return context
    }

    private func streamFailure(_ kind: ModbusError.Kind, unit: UInt8, operation: String) -> ModbusError {
        countConnectFailure(kind)
        return failure(kind, unit: unit, operation: operation)
    }
}

extension ModbusLink {
    /// On a `dtu://` link, what the listener knows of its DTU (connected since, from where, last
    /// heartbeat), read without waiting for the link's thread; nil on other links.
    public nonisolated var dtuStatus: DTULinkStatus? {
        guard case .dtu(let dtu) = endpoint, let dtuListener else { return nil }
        return dtuListener.status(registrationID: dtu.registrationID)
    }
}
