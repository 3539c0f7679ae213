import CModbus
public import Logging
import Synchronization

/// One Modbus link: a TCP connection or a serial port, with every device (unit id) behind it.
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
    private let logger: Logger
    private var context: ModbusContext?
    private var consecutiveTimeouts = 0
    /// The units whose requests timed out since the last answer.
    private var timeoutStreakUnits: Set<UInt8> = []
    /// Every unit this link has sent a request to.
    private var unitsSeen: Set<UInt8> = []
    /// Counters since the link was created.
    public private(set) var statistics = LinkStatistics() {
        didSet { published.withLock { $0 = statistics } }
    }
    /// A copy of ``statistics`` readable without waiting for a transaction in progress.
    private nonisolated let published = Mutex(LinkStatistics())

    /// The counters as of the last transaction, read without waiting for the link's thread
    /// (which may be blocked in a transaction for up to its timeout).
    public nonisolated var currentStatistics: LinkStatistics { published.withLock { $0 } }

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
    public init(endpoint: ModbusEndpoint, options: ModbusLinkOptions = ModbusLinkOptions(), logger: Logger) {
        self.endpoint = endpoint
        self.options = options
        self.logger = logger
        self.thread = LinkThread(name: "modbus-link")
    }

    deinit { thread.stop() }

    /// Whether a connection (or open serial port) is held now.
    public var isConnected: Bool { context != nil }

    /// Reads `count` items of a table starting at a 0-based protocol address.
    /// - Throws: ``ModbusError`` naming the unit, endpoint and range.
    public func read(_ table: ModbusTable, unit: UInt8, address: UInt16, count: Int) throws(ModbusError) -> ModbusData {
        let operation = "reading \(table) \(Self.range(address, count))"
        try validate(
            unit: unit,
            address: address,
            count: count,
            maximum: table.maximumReadCount,
            table: table,
            operation: operation
        )
        if table.holdsBits {
            var buffer = [UInt8](repeating: 0, count: count)
            try transact(unit: unit, operation: operation) { raw in
                buffer.withUnsafeMutableBufferPointer { pointer in
                    table == .coil
                        ? modbus_read_bits(raw, Int32(address), Int32(count), pointer.baseAddress)
                        : modbus_read_input_bits(raw, Int32(address), Int32(count), pointer.baseAddress)
                }
            }
            return .bits(buffer.map { $0 != 0 })
        } else {
            var buffer = [UInt16](repeating: 0, count: count)
            try transact(unit: unit, operation: operation) { raw in
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
    }

    // MARK: - Transactions

    /// Runs one request: connects if needed, sets the unit id, calls libmodbus and classifies a failure.
    func transact(unit: UInt8, operation: String, _ call: (OpaquePointer) -> Int32) throws(ModbusError) {
        guard !Task.isCancelled else { throw failure(.cancelled, unit: unit, operation: operation) }
        let context = try connectedContext(unit: unit, operation: operation)
        modbus_set_slave(context.raw, Int32(unit))
        unitsSeen.insert(unit)
        statistics.transactions += 1
        let start = ContinuousClock.now
        do throws(SystemCallError) {
            try modbusCall { call(context.raw) }
            statistics.recordRoundTrip(ContinuousClock.now - start)
            consecutiveTimeouts = 0
            timeoutStreakUnits = []
        } catch {
            let kind = ModbusError.Kind(error, timeout: options.responseTimeout)
            record(kind, unit: unit, context: context)
            throw failure(kind, unit: unit, operation: operation)
        }
    }

    private func record(_ kind: ModbusError.Kind, unit: UInt8, context: ModbusContext) {
        statistics.failures += 1
        statistics.errors[kind.metricName, default: 0] += 1
        if kind.isTimeout {
            statistics.timeouts += 1
            consecutiveTimeouts += 1
            timeoutStreakUnits.insert(unit)
        } else if case .exception = kind {
            consecutiveTimeouts = 0
            timeoutStreakUnits = []
        }
        if kind.needsQuietPeriod {
            // A reply that does not match (a late answer to an earlier, timed-out request) means the
            // real answer may still be on its way: wait for it, then discard both, so the next
            // request starts clean instead of tripping over this one's reply.
            blockThread(for: options.responseTimeout)
        }
        if kind.needsFlush { modbus_flush(context.raw) }
        // A half-open TCP connection shows only as timeouts, for every unit behind it. One dead
        // unit behind a TCP gateway also times out, but its neighbours answer: on a link shared by
        // several units, only a streak that spans two or more units closes the connection.
        let tooManyTimeouts =
            !endpoint.isSerial && options.reconnectAfterTimeouts > 0
            && consecutiveTimeouts >= options.reconnectAfterTimeouts
            && (unitsSeen.count == 1 || timeoutStreakUnits.count >= 2)
        if kind.breaksConnection || tooManyTimeouts {
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
        }
    }

    private func connectedContext(unit: UInt8, operation: String) throws(ModbusError) -> ModbusContext {
        if let context { return context }
        let created: ModbusContext
        do throws(SystemCallError) {
            created = try ModbusContext.client(for: endpoint)
        } catch {
            throw failure(
                ModbusError.Kind(error, timeout: options.responseTimeout, connecting: true),
                unit: unit,
                operation: operation
            )
        }
        created.setResponseTimeout(options.responseTimeout)
        created.setByteTimeout(options.byteTimeout)
        modbus_set_error_recovery(created.raw, MODBUS_ERROR_RECOVERY_NONE)
        do throws(SystemCallError) {
            try modbusCall { modbus_connect(created.raw) }
        } catch {
            statistics.failures += 1
            let kind = ModbusError.Kind(error, timeout: options.responseTimeout, connecting: true)
            statistics.errors[kind.metricName, default: 0] += 1
            throw failure(
                endpoint.isSerial ? .cannotOpen("cannot open the serial device: \(error.text)") : kind,
                unit: unit,
                operation: operation
            )
        }
        if options.pauseAfterConnect > .zero { blockThread(for: options.pauseAfterConnect) }
        if statistics.connects > 0 { statistics.reconnects += 1 }
        statistics.connects += 1
        logger.debug("link connected", metadata: ["endpoint": "\(endpoint)"])
        context = created
        return created
    }

    // MARK: - Checks before the wire

    func validate(unit: UInt8, address: UInt16, count: Int, maximum: Int, table: ModbusTable, operation: String)
        throws(ModbusError)
    {
        guard count >= 1 else {
            throw failure(
                .invalidRequest("a request needs at least 1 item, not \(count)"),
                unit: unit,
                operation: operation
            )
        }
        guard count <= maximum else {
            throw failure(
                .invalidRequest("\(count) \(table.itemName) asked, but one Modbus request carries at most \(maximum)"),
                unit: unit,
                operation: operation
            )
        }
        guard Int(address) + count <= 65536 else {
            throw failure(.invalidRequest("the range ends past address 65535"), unit: unit, operation: operation)
        }
        if endpoint.isSerial {
            guard (1...247).contains(unit) else {
                throw failure(
                    .invalidRequest("a Modbus RTU unit id is 1 to 247 (0 is broadcast, which no device answers)"),
                    unit: unit,
                    operation: operation
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
