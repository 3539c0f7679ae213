// The floor of chemgate's stack (BENCHMARKS.md, `chemgate-bench memory` and `scale`): the least a
// gateway must do each second, written with the libraries chemgate is built on and nothing else of
// it — no planner, processing, alarms, outbox segments, uplink state, status page or metrics.
//
//   stack-floor-reference MODBUS_PORT UNITS REGISTERS PLATFORM_URL DATABASE STATUS_PORT
//
// Each second: reads REGISTERS holding registers from each of UNITS units (1…UNITS) of the Modbus
// TCP server on 127.0.0.1:MODBUS_PORT through a chemgate link (libmodbus on the link's own thread),
// stores every value as a row in SQLite with GRDB (WAL, `synchronous = FULL`: one fsync'd
// transaction), sends the rows not yet accepted with AsyncHTTPClient to PLATFORM_URL as JSON batches
// of up to 5,000 (not gzipped), and marks each accepted (a second fsync'd transaction) on a 2xx
// answer. A Hummingbird server answers `GET /status` on 127.0.0.1:STATUS_PORT. It links libmosquitto
// and libcrypto as chemgate does. It is written plainly, not tuned: at a small site, where what
// every second costs regardless of the values dominates, its RSS and CPU are the floor chemgate's
// own code adds to.
import AsyncHTTPClient
import CLibCrypto
import CMallocTuning
import CMosquitto
import Foundation
import GRDB
import GatewayCore
import Hummingbird
import Logging
import Modbus
import NIOCore
import NIOHTTP1

@main
enum StackFloor {
    /// As chemgate's own main (`ChemgateMain`): two malloc arenas, and the main thread waits for the
    /// work instead of ending in `dispatch_main()`, whose unwinding reads the unwind tables.
    static func main() {
        _ = chemgate_cap_malloc_arenas(2)
        DetachedMain.run {
            do {
                try await run()
            } catch {
                FileHandle.standardError.write(Data("stack-floor-reference: \(error)\n".utf8))
                exit(1)
            }
        }
    }

    static func run() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 7, let modbusPort = Int(arguments[1]), let units = Int(arguments[2]),
            let registers = Int(arguments[3]), let statusPort = Int(arguments[6])
        else {
            FileHandle.standardError.write(
                Data(
                    "usage: stack-floor-reference MODBUS_PORT UNITS REGISTERS PLATFORM_URL DATABASE STATUS_PORT\n".utf8
                )
            )
            exit(2)
        }
        let platform = arguments[4]
        let quiet = Logger(label: "floor", factory: { _ in SwiftLogNoOpLogHandler() })
        // The libraries chemgate loads for MQTT and encrypted profiles, loaded here too.
        _ = mosquitto_lib_version(nil, nil, nil)
        _ = OpenSSL_version_num()

        let pool = try DatabasePool(path: arguments[5])
        // As chemgate's log: set on the writer after GRDB has opened it (GRDB sets NORMAL for WAL after
        // `prepareDatabase`), and checked, so that each commit is fsync'd as chemgate's are.
        let synchronous = try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard synchronous == 2 else {
            FileHandle.standardError.write(
                Data("stack-floor-reference: PRAGMA synchronous is \(synchronous ?? -1), not FULL\n".utf8)
            )
            exit(1)
        }
        try await pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS reading (
                        seq INTEGER PRIMARY KEY, unit INTEGER NOT NULL, register INTEGER NOT NULL,
                        value INTEGER NOT NULL, ts INTEGER NOT NULL, accepted INTEGER NOT NULL DEFAULT 0);
                    CREATE INDEX IF NOT EXISTS waiting ON reading(seq) WHERE accepted = 0
                    """
            )
        }

        let router = Router()
        router.get("/status") { _, _ in
            let waiting = try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM reading WHERE accepted = 0")
            }
            return "{\"waiting\": \(waiting ?? 0)}"
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: statusPort)),
            logger: quiet
        )
        Task {
            do {
                try await application.runService(gracefulShutdownSignals: [])
            } catch {
                FileHandle.standardError.write(Data("stack-floor-reference: the status server: \(error)\n".utf8))
                exit(1)
            }
        }

        let link = ModbusLink(
            endpoint: .tcp(TCPEndpoint(host: "127.0.0.1", port: modbusPort)),
            logger: quiet,
            name: "floor"
        )
        let clock = ContinuousClock()
        var tick = clock.now
        while true {
            tick += .seconds(1)
            // Read.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var values: [(unit: Int, registers: [UInt16])] = []
            for unit in 1...units {
                if let read = try? await link.readRegisters(.holding, unit: UInt8(unit), address: 0, count: registers) {
                    values.append((unit, read))
                }
            }
            // Store.
            let stored = values
            try await pool.write { db in
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO reading (unit, register, value, ts) VALUES (?, ?, ?, ?)"
                )
                for (unit, read) in stored {
                    for (register, value) in read.enumerated() {
                        try insert.execute(arguments: [unit, register, Int(value), now])
                    }
                }
            }
            // Send what waits, 5,000 rows a batch, and mark each batch accepted.
            while true {
                let rows = try await pool.read { db in
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT seq, unit, register, value, ts FROM reading WHERE accepted = 0 ORDER BY seq LIMIT 5000"
                    ).map { row -> (seq: Int, unit: Int, register: Int, value: Int, ts: Int64) in
                        (row["seq"], row["unit"], row["register"], row["value"], row["ts"])
                    }
                }
                guard let first = rows.first?.seq, let last = rows.last?.seq else { break }
                var body = "{\"first_seq\":\(first),\"last_seq\":\(last),\"records\":["
                for (index, row) in rows.enumerated() {
                    if index > 0 { body += "," }
                    body +=
                        "{\"seq\":\(row.seq),\"point\":\"u\(row.unit).r\(row.register)\",\"value\":\(row.value),\"ts\":\"\(row.ts)\"}"
                }
                body += "]}"
                var request = HTTPClientRequest(url: platform)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
                guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
                    (200..<300).contains(Int(response.status.code))
                else { break }
                _ = try? await response.body.collect(upTo: 1 << 20)
                try await pool.write { db in
                    try db.execute(
                        sql: "UPDATE reading SET accepted = 1 WHERE seq <= ? AND accepted = 0",
                        arguments: [last]
                    )
                }
                if rows.count < 5000 { break }
            }
            try await Task.sleep(until: tick, clock: clock)
        }
    }
}
