import CModbus
import Foundation
import Glibc
public import Logging
import Synchronization

/// A Modbus RTU server on a serial device (for example one end of a `socat` pty pair) or on a
/// connected socket (RTU over TCP, a DTU stand-in) serving several unit ids on one line, as several
/// devices on one RS-485 bus would.
///
/// libmodbus 3.1.6 drops an RTU request for any unit other than its context's, and then treats the
/// next frame as another device's reply. To serve several units, a pump thread copies the line's
/// bytes into a socket pair unchanged; the serving thread peeks at the first byte of each frame
/// (its unit id), sets the context's unit, and lets libmodbus read, check the CRC of, and answer
/// the request. The pump never frames or checks anything; it only corrupts the CRC of a reply the
/// handler asked to corrupt, by flipping its last byte.
public final class ModbusRTUServer: Sendable {
    private final class Line: Sendable {
        let tty: Int32
        let pumpEnd: Int32
        let sessionEnd: Int32
        /// Whether `tty` is a connection (RTU over TCP, a DTU's) rather than a serial device: its end
        /// ends the server, where a pty's other end may be opened again.
        let isStream: Bool
        let heartbeat: HeartbeatInjection?
        let corruptNext = Atomic<Bool>(false)
        let stopped = Atomic<Bool>(false)

        init(tty: Int32, pumpEnd: Int32, sessionEnd: Int32, isStream: Bool, heartbeat: HeartbeatInjection?) {
            self.tty = tty
            self.pumpEnd = pumpEnd
            self.sessionEnd = sessionEnd
            self.isStream = isStream
            self.heartbeat = heartbeat
        }
    }

    /// The serial port served.
    public let port: SerialPort
    private let line: Line
    private let handler: any ModbusRequestHandler
    private let logger: Logger
    /// When set, each reply is held for the time its frames take on a real line (see ``RTUWireTime``).
    public let wireTime: RTUWireTime?

    /// Opens the serial device and starts serving.
    /// - Parameters:
    ///   - port: the serial device and its character format.
    ///   - handler: decides the replies.
    ///   - logger: for malformed frames.
    ///   - holdsForWireTime: hold each reply until `request + t3.5 + response` has passed since the
    ///     request arrived, and keep t3.5 of silence after it, at the port's baud rate and character
    ///     format: a pty pair then carries no more transactions than the line would (benchmarks).
    /// - Throws: ``ModbusError`` when the device cannot be opened.
    public convenience init(
        port: SerialPort,
        handler: any ModbusRequestHandler,
        logger: Logger,
        holdsForWireTime: Bool = false
    ) throws(ModbusError) {
        let context: ModbusContext
        do throws(SystemCallError) {
            let opened = try ModbusContext.connected(to: .rtu(port)) { _ in }
            context = opened.context
            if let parity = opened.parityNotApplied {
                logger.notice(
                    "parity is not applied on a pseudo-terminal: the pty refused it (EINVAL), opened without parity",
                    metadata: ["device": "\(port.path)", "parity": "\(parity.rawValue)"]
                )
            }
        } catch {
            throw ModbusError(.cannotOpen("cannot open the serial device: \(error.text)"), endpoint: port.description)
        }
        // The descriptor (with the termios settings libmodbus applied) outlives this context.
        let tty = modbus_get_socket(context.raw)
        modbus_set_socket(context.raw, -1)
        try self.init(
            descriptor: tty,
            port: port,
            isStream: false,
            heartbeat: nil,
            handler: handler,
            logger: logger,
            wireTime: holdsForWireTime ? RTUWireTime(port: port) : nil
        )
    }

    /// Serves RTU frames on a connected socket it now owns: one connection to a serial device
    /// server stand-in, or a DTU stand-in's connection to the gateway. The server stops when the
    /// connection ends (see ``isStopped``).
    /// - Parameters:
    ///   - descriptor: the connected socket; closed when the server stops.
    ///   - label: names the connection in ``port`` and logs (e.g. `tcp-client-10.0.0.5:4711`).
    ///   - heartbeat: heartbeat packets sent into the stream, as a DTU does.
    public convenience init(
        stream descriptor: Int32,
        label: String,
        heartbeat: HeartbeatInjection? = nil,
        handler: any ModbusRequestHandler,
        logger: Logger
    ) throws(ModbusError) {
        ignoreBrokenPipes()
        let placeholder = try SerialPort(path: label.isEmpty ? "stream" : label, baud: 115200, parity: .none)
        try self.init(
            descriptor: descriptor,
            port: placeholder,
            isStream: true,
            heartbeat: heartbeat,
            handler: handler,
            logger: logger,
            wireTime: nil
        )
    }

    private init(
        descriptor tty: Int32,
        port: SerialPort,
        isStream: Bool,
        heartbeat: HeartbeatInjection?,
        handler: any ModbusRequestHandler,
        logger: Logger,
        wireTime: RTUWireTime?
    ) throws(ModbusError) {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            let code = errno
            close(tty)
            throw ModbusError(.system(code, "cannot create a socket pair"), endpoint: port.description)
        }
        self.port = port
        self.wireTime = wireTime
        self.line = Line(tty: tty, pumpEnd: pair[0], sessionEnd: pair[1], isStream: isStream, heartbeat: heartbeat)
        self.handler = handler
        self.logger = logger
        let line = self.line
        let pump = Thread { Self.pump(line) }
        pump.name = "modbus-rtu-pump"
        pump.start()
        let server = Thread { [self] in serve() }
        server.name = "modbus-rtu"
        server.start()
    }

    /// Whether the server has stopped (stopped, or its connection ended).
    public var isStopped: Bool { line.stopped.load(ordering: .sequentiallyConsistent) }

    /// Stops serving and closes the serial device. Idempotent.
    public func stop() {
        guard !line.stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(line.sessionEnd, Int32(SHUT_RDWR))
        shutdown(line.pumpEnd, Int32(SHUT_RDWR))
    }

    deinit { stop() }

    private func serve() {
        let template = port
        guard
            let raw = modbus_new_rtu(
                template.path,
                Int32(template.baud),
                CChar(UInt8(ascii: template.parity.rawValue.unicodeScalars.first!)),
                Int32(template.dataBits),
                Int32(template.stopBits)
            )
        else { return }
        // Never connected: the context reads and writes the socket pair, not the device.
        modbus_set_socket(raw, line.sessionEnd)
        let line = self.line
        let session = ServerSession(
            context: ModbusContext(raw: raw, closesOnRelease: false),
            handler: handler,
            corruptNextReply: { line.corruptNext.store(true, ordering: .sequentiallyConsistent) },
            wireTime: wireTime
        )
        var unit: UInt8 = 0
        while !line.stopped.load(ordering: .sequentiallyConsistent) {
            guard recv(line.sessionEnd, &unit, 1, Int32(MSG_PEEK)) == 1 else { break }
            session.expectUnit(unit)
            switch session.serveOne() {
            case .served: continue
            case .badFrame(let error):
                logger.debug("bad request frame", metadata: ["error": "\(error.text)"])
                drain(line.sessionEnd)
            case .closed: break
            }
        }
        close(line.sessionEnd)
    }

    /// Discards bytes left over from a malformed frame so the next frame starts at its unit id.
    private func drain(_ socket: Int32) {
        var scratch = [UInt8](repeating: 0, count: 512)
        while recv(socket, &scratch, scratch.count, Int32(MSG_DONTWAIT)) > 0 {}
    }

    /// Copies bytes between the serial device and the session's socket until either side closes.
    private static func pump(_ line: Line) {
        var fds = [
            pollfd(fd: line.tty, events: Int16(POLLIN), revents: 0),
            pollfd(fd: line.pumpEnd, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 512)
        let beat = line.heartbeat.map { [UInt8]($0.packet.bytes) } ?? []
        var nextBeat = line.heartbeat?.every.map { ContinuousClock.now + $0 }
        loop: while !line.stopped.load(ordering: .sequentiallyConsistent) {
            let wait =
                nextBeat.map { min(max($0 - ContinuousClock.now, .milliseconds(1)), .milliseconds(250)) }
                ?? .milliseconds(250)
            guard poll(&fds, 2, TCPStream.milliseconds(wait)) >= 0 || errno == EINTR else { break }
            if let due = nextBeat, let every = line.heartbeat?.every, ContinuousClock.now >= due {
                // A DTU's heartbeat timer fires whatever the line carries.
                guard writeAll(line.tty, beat, beat.count) else { break loop }
                nextBeat = due + every
            }
            if fds[0].revents != 0 {
                let count = read(line.tty, &buffer, buffer.count)
                if count > 0 {
                    guard writeAll(line.pumpEnd, buffer, count) else { break loop }
                } else if line.isStream && (count == 0 || (errno != EAGAIN && errno != EINTR)) {
                    break loop  // the connection ended
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    // The other end of the pty went away: wait briefly, it may be reopened.
                    usleep(50_000)
                }
            }
            if fds[1].revents != 0 {
                let count = read(line.pumpEnd, &buffer, buffer.count)
                guard count > 0 else { break loop }
                if line.corruptNext.exchange(false, ordering: .sequentiallyConsistent) {
                    buffer[count - 1] ^= 0xFF
                }
                if line.heartbeat?.insideReplies == true, count >= 2 {
                    // The worst case of a DTU: its heartbeat lands in the middle of a reply.
                    let half = count / 2
                    guard writeAll(line.tty, Array(buffer[..<half]), half),
                        writeAll(line.tty, beat, beat.count),
                        writeAll(line.tty, Array(buffer[half..<count]), count - half)
                    else { break loop }
                } else {
                    guard writeAll(line.tty, buffer, count) || !line.isStream else { break loop }
                }
            }
        }
        line.stopped.store(true, ordering: .sequentiallyConsistent)
        shutdown(line.pumpEnd, Int32(SHUT_RDWR))
        close(line.pumpEnd)
        close(line.tty)
    }

    private static func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var written = 0
        while written < count {
            let result = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
            if result < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            written += result
        }
        return true
    }
}

/// Heartbeat packets a DTU stand-in sends into its connection.
public struct HeartbeatInjection: Sendable, Hashable {
    /// The packet.
    public var packet: DTUBytes
    /// How often it is sent, whatever the line carries; nil for never on a timer.
    public var every: Duration?
    /// Whether every reply is also split by a heartbeat in its middle (the worst case a DTU makes).
    public var insideReplies: Bool

    public init(packet: DTUBytes, every: Duration?, insideReplies: Bool = false) {
        self.packet = packet
        self.every = every
        self.insideReplies = insideReplies
    }
}
