import GRDB
import GRDBSQLite
import GatewayCore

extension RecordRow {
    /// Binds `reading`'s 16 values (those of ``insertReading``, in that order) as row `row` of a
    /// multi-row ``insertReadings`` statement, straight into the statement through GRDB's
    /// `StatementBinding`. Building a `StatementArguments` of 512 values went through GRDB's generic,
    /// unspecialised `Sequence.map` and a second copy to validate them: 8 % of the gateway's CPU at
    /// 10,000 points (BENCHMARKS.md). The stored values are the same, in the same storage classes.
    ///
    /// The statement must have been prepared for binding with ``prepareForBinding(_:)``.
    static func bind(_ reading: Reading, inAlarm: Bool, row: Int, to statement: Statement) throws {
        var binder = ParameterBinder(statement: statement, first: CInt(row * parametersPerReading + 1))
        binder.bind(reading.gateway)
        binder.bind(reading.device)
        binder.bind(reading.point)
        binder.bind(reading.indicator)
        switch reading.value {
        case .none:
            binder.bind(String?.none)
            binder.bind(String?.none)
        case .number(let number):
            binder.bind("number")
            binder.bind(number)
        case .integer(let integer):
            // An exact integer is stored as INTEGER, or above `Int64.max` as its decimal TEXT (``encode``).
            binder.bind("number")
            if let exact = Int64(exactly: integer) { binder.bind(exact) } else { binder.bind(String(integer)) }
        case .bool(let flag):
            binder.bind("bool")
            binder.bind(Int64(flag ? 1 : 0))
        case .text(let text):
            binder.bind("text")
            binder.bind(text)
        }
        binder.bind(reading.unit)
        binder.bind(reading.quality.level.rawValue)
        binder.bind(reading.quality.reason?.description)
        binder.bind(reading.timestamp.milliseconds)
        binder.bind(reading.report.rawValue)
        binder.bind(Int64(bitPattern: reading.sequence))
        binder.bind(Int64(inAlarm ? 1 : 0))
        binder.bind(reading.raw)
        binder.bind(reading.staleSince?.milliseconds)
        binder.bind(reading.clock?.rawValue)
        try binder.check(sql: statement.sql)
    }

    /// The values ``insertReading`` binds per reading.
    static let parametersPerReading = 16

    /// Resets `statement` and marks its arguments as set, so that `execute()` steps it with the values
    /// then bound by ``bind(_:inAlarm:row:to:)`` (every parameter of the statement must be bound).
    static func prepareForBinding(_ statement: Statement) {
        statement.setUncheckedArguments(StatementArguments())
    }
}

/// Binds values to consecutive parameters of a prepared statement, remembering the first failure.
struct ParameterBinder {
    let statement: SQLiteStatement
    private(set) var index: CInt
    /// The first `sqlite3_bind_*` result other than `SQLITE_OK` (0), with its parameter.
    private var failure: (code: CInt, index: CInt)?

    init(statement: Statement, first: CInt) {
        self.statement = statement.sqliteStatement
        index = first
    }

    mutating func bind(_ value: some StatementBinding) {
        note(value.bind(to: statement, at: index))
    }

    /// Binds `text` from the string's own UTF-8 bytes, which SQLite copies (`SQLITE_TRANSIENT`).
    /// GRDB's `String` binding passes the string as a C string: a string of up to 15 bytes (most
    /// names, units and quality words) is first copied into a new array for its terminating NUL, a
    /// malloc and a free per value (about 40 % of the binding's cost at 10,000 readings a second, round 20
    /// in BENCHMARKS.md). The text stored is the same: it ends at the first NUL, as a C string does.
    mutating func bind(_ text: String) {
        let (statement, index) = (statement, index)
        var text = text
        let code = text.withUTF8 { bytes in
            let length = bytes.firstIndex(of: 0) ?? bytes.count
            return bytes.withMemoryRebound(to: CChar.self) { characters in
                // An empty buffer may have no address; SQLite binds a NULL pointer as NULL, not as ''.
                sqlite3_bind_text(statement, index, characters.baseAddress ?? Self.empty, CInt(length), Self.transient)
            }
        }
        note(code)
    }

    /// ``bind(_:)-(String)``, or NULL.
    mutating func bind(_ text: String?) {
        if let text { bind(text) } else { note(sqlite3_bind_null(statement, index)) }
    }

    private static var empty: UnsafePointer<CChar> {
        UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// SQLite's `SQLITE_TRANSIENT` destructor (a C macro Swift does not import): SQLite copies the bytes.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    private mutating func note(_ code: CInt) {
        if code != 0 && failure == nil { failure = (code, index) }
        index += 1
    }

    /// Throws when a value could not be bound (a GRDB or chemgate bug: binding touches no file).
    /// `sql` is only evaluated then: GRDB's `Statement.sql` trims the text with Foundation on every
    /// call, which cost more than the whole insert when it was read for every row.
    func check(sql: @autoclosure () -> String) throws {
        guard let failure else { return }
        throw DatabaseError(
            resultCode: ResultCode(rawValue: failure.code),
            message: "cannot bind parameter \(failure.index) of the insert of readings",
            sql: sql()
        )
    }
}
