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
    /// The statement must have been prepared for binding with ``prepareForBinding(_:)``; its texts are
    /// kept in `texts` and bound where they are kept (``BoundTexts`` says for how long they must stay).
    static func bind(_ reading: Reading, inAlarm: Bool, row: Int, to statement: Statement, texts: BoundTexts) throws {
        var binder = ParameterBinder(statement: statement, first: CInt(row * parametersPerReading + 1), texts: texts)
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
        // Every parameter is bound for every execution: the statement is not cleared between them.
        precondition(binder.index == CInt((row + 1) * parametersPerReading + 1), "a reading's parameters left unbound")
        try binder.check(sql: statement.sql)
    }

    /// The values ``insertReading`` binds per reading.
    static let parametersPerReading = 16

    /// Resets `statement`, clears its bindings and marks its arguments as set, so that `execute()` steps
    /// it with the values then bound by ``bind(_:inAlarm:row:to:texts:)`` (every parameter of the
    /// statement must be bound before each execution). Needed once before the first execution of an
    /// append, not before each: GRDB's per-call clear of the 512 bindings and its loop over their
    /// names cost 1.7 % of the gateway's CPU at 10,000 readings a second (BENCHMARKS.md, round 22).
    static func prepareForBinding(_ statement: Statement) {
        statement.setUncheckedArguments(StatementArguments())
    }

    /// Resets `statement` after an execution, keeping its bindings, so that the next rows can be bound
    /// (SQLite refuses to bind a statement that has run until it is reset).
    static func resetForBinding(_ statement: Statement) throws {
        let code = sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot reset the insert of readings")
        }
    }

    /// Sets every parameter of `statement` to NULL, so that it points at none of the texts of a
    /// ``BoundTexts`` about to go. Unlike ``prepareForBinding(_:)`` it does not reset the statement,
    /// which after a failed step would report that failure again.
    static func unbind(_ statement: Statement) {
        _ = sqlite3_clear_bindings(statement.sqliteStatement)
    }
}

/// Binds values to consecutive parameters of a prepared statement, remembering the first failure.
struct ParameterBinder {
    let statement: SQLiteStatement
    /// Where the texts bound are kept until the statement has been stepped.
    let texts: BoundTexts
    private(set) var index: CInt
    /// The first `sqlite3_bind_*` result other than `SQLITE_OK` (0), with its parameter.
    private var failure: (code: CInt, index: CInt)?

    init(statement: Statement, first: CInt, texts: BoundTexts) {
        self.statement = statement.sqliteStatement
        self.texts = texts
        index = first
    }

    mutating func bind(_ value: some StatementBinding) {
        note(value.bind(to: statement, at: index))
    }

    /// Binds `text` from a copy of the string's own UTF-8 bytes in ``texts``, which SQLite uses where it
    /// is (`SQLITE_STATIC`). GRDB's `String` binding passes the string as a C string: a string of up to
    /// 15 bytes (most names, units and quality words) is first copied into a new array for its
    /// terminating NUL, a malloc and a free per value (about 40 % of the binding's cost at 10,000
    /// readings a second, round 20 in BENCHMARKS.md); and SQLite copies a `SQLITE_TRANSIENT` text into a
    /// buffer it allocates for each binding (round 22). The text stored is the same: it ends at the first
    /// NUL, as a C string does.
    mutating func bind(_ text: String) {
        let (statement, index, texts) = (statement, index, texts)
        var text = text
        let code = text.withUTF8 { bytes in
            let length = bytes.firstIndex(of: 0) ?? bytes.count
            // SQLite binds a NULL pointer as NULL, not as '': an empty text points at a static "".
            // No destructor is SQLite's `SQLITE_STATIC`: the bytes are used where they are while bound.
            guard length > 0 else { return sqlite3_bind_text(statement, index, Self.empty, 0, nil) }
            let kept = texts.keep(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<length])))
            return sqlite3_bind_text(
                statement,
                index,
                kept.assumingMemoryBound(to: CChar.self),
                CInt(length),
                nil
            )
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
