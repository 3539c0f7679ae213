import CModbus
public import Logging
import Synchronization

/// One Modbus link: a TCP connection, a serial port, a serial device server (RTU over TCP) or a DTU
/// connected in, with every device (unit id) behind it.
///
/// The link owns one libmodbus context and runs every call on its own thread, never on the
/// cooperative pool; callers `await` its methods. Transactions run one at a time, so many units
/// share one RS-485 line safely; the unit id is set per transaction.
///
/// The link connects on first use and reconnects by itself after a broken connection or, on TCP,
/// after ``ModbusLinkOptions/reconnectAfterTimeouts`` timeouts in a row. libmodbus's own error
/// recovery stays off: it can retry forever.
public actor ModbusLink {
    public nonisolated let endpoint: ModbusEndpoint
    public nonisolated let options: ModbusLinkOptions
    private nonisolated let thread: LinkThread
    /// Where a `dtu://` link takes its connection from.
    nonisolated let dtuListener: DTUListener?
    private let logger: Logger
    private var context: ModbusContext?
    private var consecutiveTimeouts = 0
    /// The units whose requests timed out since the last answer.
    private var timeoutStreakUnits: Set<UInt8> = []
    /// Every unit this link has sent a request to.
    private var unitsSeen: Set<UInt8> = []
    /// Units whose last request got no valid reply, with when it failed: their late reply may still
    /// come, so the next request to them waits until the line has been quiet for ``quietInterval``.
    private var suspectUnits: [UInt8: ContinuousClock.Instant] = [:]
    /// Whether the fallback to no parity on a pseudo-terminal was logged already.
    private var loggedParityFallback = false
    /// The counters, updated in place (one uncontended lock per change, no copy): a copy published
    /// at each change made the next change copy the round-trip history again (copy-on-write).
    private nonisolated let counters = Mutex(LinkStatistics())

    /// Counters since the link was created.
    public var statistics: LinkStatistics { counters.withLock { $0 } }

    /// The counters as of the last transaction, read without waiting for the link's thread
    /// (which may be blocked in a transaction for up to its timeout).
    public nonisolated var currentStatistics: LinkStatistics { counters.withLock { $0 } }

    /// Changes the counters.
    func count(_ change: (inout LinkStatistics) -> Void) {
        counters.withLock { change(&$0) }
    }

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// The link's thread as a task executor. Code that calls the link in a loop can run on the same
    /// thread with `withTaskExecutorPreference(link.taskExecutor) { … }`: each call then costs no
    /// thread switch, where a caller on the cooperative pool pays two (there and back).
    public nonisolated var taskExecutor: any TaskExecutor { thread }

    /// Creates a link; nothing is opened until the first request.
    /// - Parameters:
    ///   - endpoint: where the link goes.
    ///   - options: timeouts, reconnect policy and write access.
    ///   - logger: where connects and failures are logged.
    ///   - dtuListener: the listener a `dtu://` link's DTU connects to.
    ///   - name: the link's id in the site file: its thread is then named `link <id>` (its first 15
    ///     bytes) in `top -H`, `ps -L` and `perf`, else `modbus-link`.
    public init(
        endpoint: ModbusEndpoint,
        options: ModbusLinkOptions = ModbusLinkOptions(),
        logger: Logger,
        dtuListener: DTUListener? = nil,
        name: String? = nil
    ) {
        self.endpoint = endpoint
        self.options = options
        self.logger = logger
        self.dtuListener = dtuListener
        if endpoint.isRTUFramed && !endpoint.isSerial { ignoreBrokenPipes() }
        self.thread = LinkThread(name: name.map { "link \($0)" } ?? "modbus-link")
    }

    deinit { thread.stop() }

    /// Whether a connection (or open serial port) is held now.
    public var isConnected: Bool { context != nil }

    /// Reads `count` items of a table starting at a 0-based protocol address.
    /// - Throws: ``ModbusError`` naming the unit, endpoint and range.
    public func read(_ table: ModbusTable, unit: UInt8, address: UInt16, count: Int) throws(ModbusError) -> ModbusData {
        // Built only when a failure needs it: a string per transaction showed in the link's profile.
        func operation() -> String { "reading \(table) \(Self.range(address, count))" }
        try validate(
            unit: unit,
            address: address,
            count: count,
            maximum: table.maximumReadCount,
            table: table,
            operation: operation()
        )
        if case .tcp = endpoint {
            return try readOverTCP(table, unit: unit, address: address, count: count, operation: operation())
        }
        if table.holdsBits {
            var buffer = [UInt8](repeating: 0, count: count)
            try transact(unit: unit, operation: operation()) { raw in
                buffer.withUnsafeMutableBufferPointer { pointer in
                    table == .coil
                        ? modbus_read_bits(raw, Int32(address), Int32(count), pointer.baseAddress)
                        : modbus_read_input_bits(raw, Int32(address), Int32(count), pointer.baseAddress)
                }
            }
            return .bits(buffer.map { $0 != 0 })
        } else {
            var buffer = [UInt16](repeating: 0, count: count)
            try transact(unit: unit, operation: operation()) { raw in
                buffer.withUnsafeMutableBufferPointer { pointer in
                    table == .holding
                        ? modbus_read_registers(raw, Int32(address), Int32(count), pointer.baseAddress)
                        : modbus_read_input_registers(raw, Int32(address), Int32(count), pointer.baseAddress)
                }
            }
            return .registers(buffer)
        }
    }

    /// Reads holding or input registers.
    public func readRegisters(_ table: ModbusTable, unit: UInt8, address: UInt16, count: Int) throws(ModbusError)
        -> [UInt16]
    {
        guard !table.holdsBits else {
            throw ModbusError(
                .invalidRequest("\(table) holds bits, not registers"),
                unit: unit,
                endpoint: endpoint.description
            )
        }
        guard case .registers(let values) = try read(table, unit: unit, address: address, count: count) else {
            return []
        }
        return values
    }

    /// Reads coils or discrete inputs.
    public func readBits(_ table: ModbusTable, unit: UInt8, address: UInt16, count: Int) throws(ModbusError) -> [Bool] {
        guard table.holdsBits else {
            throw ModbusError(
                .invalidRequest("\(table) holds registers, not bits"),
                unit: unit,
                endpoint: endpoint.description
            )
        }
        guard case .bits(let values) = try read(table, unit: unit, address: address, count: count) else { return [] }
        return values
    }

    /// Closes the connection or serial port; the next request opens it again.
    public func close() {
        context = nil
        suspectUnits = [:]
    }

    // MARK: - Transactions

    /// Runs one request with a libmodbus call that returns -1 and sets errno on failure.
    func transact(unit: UInt8, operation: @autoclosure () -> String, _ call: (OpaquePointer) -> Int32)
        throws(ModbusError)
    {
        try exchange(unit: unit, operation: operation()) {
            (context: ModbusContext) throws(TransactionFailure) -> Void in
            do throws(SystemCallError) {
                try modbusCall { call(context.raw) }
            } catch {
                throw .system(error)
            }
        }
    }

    /// Runs one request: connects if needed, discards late bytes, sets the unit id, runs `call` and
    /// classifies a failure.
    func exchange<Value>(
        unit: UInt8,
        operation: @autoclosure () -> String,
        _ call: (ModbusContext) throws(TransactionFailure) -> Value
    ) throws(ModbusError) -> Value {
        guard !Task.isCancelled else { throw failure(.cancelled, unit: unit, operation: operation()) }
        let context = try connectedContext(unit: unit, operation: operation())
        discardLateReplies(before: unit, context: context)
        modbus_set_slave(context.raw, Int32(unit))
        unitsSeen.insert(unit)
        let start = ContinuousClock.now
        do throws(TransactionFailure) {
            let value = try call(context)
            let roundTrip = ContinuousClock.now - start
            count {
                $0.transactions += 1
                $0.recordRoundTrip(roundTrip)
            }
            consecutiveTimeouts = 0
            timeoutStreakUnits = []
            return value
        } catch {
            let kind: ModbusError.Kind
            var resynchronise = false
            switch error {
            case .system(let systemError): kind = ModbusError.Kind(systemError, timeout: options.responseTimeout)
            case .reply(let problem):
                kind = problem.kind
                resynchronise = problem.resynchronise
            }
            count { $0.transactions += 1 }
            record(kind, unit: unit, context: context, resynchronise: resynchronise)
            throw failure(kind, unit: unit, operation: operation())
        }
    }

    /// Reads over Modbus TCP with libmodbus's raw request API, so that the binding sees the MBAP
    /// header libmodbus 3.1.6 does not check (``TCPReadReply``).
    private func readOverTCP(
        _ table: ModbusTable,
        unit: UInt8,
        address: UInt16,
        count: Int,
        operation: @autoclosure () -> String
    ) throws(ModbusError) -> ModbusData {
        let request: [UInt8] = [
            unit, table.readFunctionCode, UInt8(address >> 8), UInt8(address & 0xFF), UInt8(count >> 8),
            UInt8(count & 0xFF),
        ]
        return try exchange(unit: unit, operation: operation()) {
            (context: ModbusContext) throws(TransactionFailure) -> ModbusData in
            let raw = context.raw
            var reply = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
            let length: Int32
            do throws(SystemCallError) {
                try modbusCall { modbus_send_raw_request(raw, request, Int32(request.count)) }
                length = try reply.withUnsafeMutableBufferPointer { buffer throws(SystemCallError) in
                    try modbusCall { modbus_receive_confirmation(raw, buffer.baseAddress) }
                }
            } catch {
                throw .system(error)
            }
            switch TCPReadReply.check(reply[..<max(0, Int(length))], unit: unit, table: table, count: count) {
            case .success(let data): return data
            case .failure(let problem): throw .reply(problem)
            }
        }
    }

    /// How long the line must stay silent before a late reply is ruled out: the response timeout
    /// (a device may start its reply that late), plus t3.5 at the port's baud rate on RTU.
    var quietInterval: Duration {
        switch endpoint {
        case .tcp, .rtuOverTCP, .dtu: options.responseTimeout
        case .rtu(let port): options.responseTimeout + RTUWireTime(port: port).interFrameSilence
        }
    }

    /// Before a request: bytes nobody asked for (a late reply) are read and discarded until the
    /// line is quiet; a unit whose last request failed is only asked again once the line has been
    /// quiet for ``quietInterval`` since that failure, so its late reply cannot answer this request.
    private func discardLateReplies(before unit: UInt8, context: ModbusContext) {
        let quiet = quietInterval
        let limit = max(quiet * 4, .seconds(1))
        if context.hasPendingInput {
            let discarded = context.discardInput(quietUntil: .now + quiet, quiet: quiet, limit: limit)
            count { $0.lateBytesDiscarded += discarded }
            // The line has now been quiet for a whole interval: no earlier failure is pending.
            suspectUnits = [:]
            return
        }
        if let since = suspectUnits.removeValue(forKey: unit), since + quiet > .now {
            let discarded = context.discardInput(quietUntil: since + quiet, quiet: quiet, limit: limit)
            count { $0.lateBytesDiscarded += discarded }
        }
    }

    private func record(_ kind: ModbusError.Kind, unit: UInt8, context: ModbusContext, resynchronise: Bool) {
        count {
            $0.failures += 1
            $0.errors[kind.metricName, default: 0] += 1
            if kind.isTimeout { $0.timeouts += 1 }
        }
        if kind.isTimeout {
            consecutiveTimeouts += 1
            timeoutStreakUnits.insert(unit)
            // The reply may still come: the next request to this unit waits for the line to be quiet.
            suspectUnits[unit] = .now
        } else if case .exception = kind {
            consecutiveTimeouts = 0
            timeoutStreakUnits = []
        }
        if kind.needsQuietPeriod && !resynchronise {
            // A frame that does not fit (noise, a late answer to an earlier request, another unit's
            // reply): the rest of it, and the right reply, may still be coming. Discard everything
            // until the line has been quiet, so the next request starts clean.
            let quiet = quietInterval
            let discarded = context.discardInput(
                quietUntil: .now + quiet,
                quiet: quiet,
                limit: max(quiet * 4, .seconds(1))
            )
            count { $0.lateBytesDiscarded += discarded }
            suspectUnits = [:]
        } else if kind.needsFlush {
            context.flush()
        }
        // A half-open TCP connection shows only as timeouts, for every unit behind it. One dead
        // unit behind a TCP gateway also times out, but its neighbours answer: on a link shared by
        // several units, only a streak that spans two or more units closes the connection.
        let tooManyTimeouts =
            !endpoint.isSerial && options.reconnectAfterTimeouts > 0
            && consecutiveTimeouts >= options.reconnectAfterTimeouts
            && (unitsSeen.count == 1 || timeoutStreakUnits.count >= 2)
        if kind.breaksConnection || tooManyTimeouts || resynchronise {
            logger.notice(
                "closing link to reconnect",
                metadata: [
                    "endpoint": "\(endpoint)",
                    "reason": "\(tooManyTimeouts ? "\(consecutiveTimeouts) timeouts in a row" : "\(kind)")",
                ]
            )
            self.context = nil
            consecutiveTimeouts = 0
            timeoutStreakUnits = []
            suspectUnits = [:]  // a new connection carries no late reply of the old one
        }
    }

    private func connectedContext(unit: UInt8, operation: @autoclosure () -> String) throws(ModbusError)
        -> ModbusContext
    {
        if let context { return context }
        let created: ModbusContext
        switch endpoint {
        case .rtuOverTCP, .dtu:
            created = try openStream(unit: unit, operation: operation())
        case .tcp, .rtu:
            created = try openContext(unit: unit, operation: operation())
        }
        if options.pauseAfterConnect > .zero { blockThread(for: options.pauseAfterConnect) }
        count {
            if $0.connects > 0 { $0.reconnects += 1 }
            $0.connects += 1
        }
        logger.debug("link connected", metadata: ["endpoint": "\(endpoint)"])
        context = created
        return created
    }

    /// Opens a TCP connection or serial port with libmodbus's own backends.
    private func openContext(unit: UInt8, operation: String) throws(ModbusError) -> ModbusContext {
        let created: ModbusContext
        do throws(SystemCallError) {
            let opened = try ModbusContext.connected(to: endpoint) { context in
                context.setResponseTimeout(options.responseTimeout)
                context.setByteTimeout(options.byteTimeout)
                modbus_set_error_recovery(context.raw, MODBUS_ERROR_RECOVERY_NONE)
            }
            created = opened.context
            if let parity = opened.parityNotApplied, !loggedParityFallback {
                loggedParityFallback = true
                logger.notice(
                    "parity is not applied on a pseudo-terminal: the pty refused it (EINVAL), opened without parity",
                    metadata: ["endpoint": "\(endpoint)", "parity": "\(parity.rawValue)"]
                )
            }
        } catch {
            let kind = ModbusError.Kind(error, timeout: options.responseTimeout, connecting: true)
            countConnectFailure(kind)
            throw failure(
                endpoint.isSerial ? .cannotOpen("cannot open the serial device: \(error.text)") : kind,
                unit: unit,
                operation: operation
            )
        }
        return created
    }

    /// Counts a connection that could not be made.
    func countConnectFailure(_ kind: ModbusError.Kind) {
        count {
            $0.failures += 1
            $0.errors[kind.metricName, default: 0] += 1
        }
    }

    // MARK: - Checks before the wire

    func validate(
        unit: UInt8,
        address: UInt16,
        count: Int,
        maximum: Int,
        table: ModbusTable,
        operation: @autoclosure () -> String
    ) throws(ModbusError) {
        guard count >= 1 else {
            throw failure(
                .invalidRequest("a request needs at least 1 item, not \(count)"),
                unit: unit,
                operation: operation()
            )
        }
        guard count <= maximum else {
            throw failure(
                .invalidRequest("\(count) \(table.itemName) asked, but one Modbus request carries at most \(maximum)"),
                unit: unit,
                operation: operation()
            )
        }
        guard Int(address) + count <= 65536 else {
            throw failure(.invalidRequest("the range ends past address 65535"), unit: unit, operation: operation())
        }
        if endpoint.isRTUFramed {
            guard (1...247).contains(unit) else {
                throw failure(
                    .invalidRequest("a Modbus RTU unit id is 1 to 247 (0 is broadcast, which no device answers)"),
                    unit: unit,
                    operation: operation()
                )
            }
        }
    }

    func failure(_ kind: ModbusError.Kind, unit: UInt8, operation: String) -> ModbusError {
        ModbusError(kind, unit: unit, endpoint: endpoint.description, operation: operation)
    }

    static func range(_ address: UInt16, _ count: Int) -> String {
        "\(address)..\(Int(address) + max(count, 1) - 1)"
    }
}

/// Why one transaction failed: the errno of a libmodbus call, or a reply the binding refused.
enum TransactionFailure: Error {
    case system(SystemCallError)
    case reply(TCPReadReply.Problem)
}
