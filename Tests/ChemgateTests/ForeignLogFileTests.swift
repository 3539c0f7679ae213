import Foundation
import TestSupport
import Testing

/// `storage.path` naming a file that is not a chemgate log (issue #12, items 4 and 15): `chemgate run`
/// refuses to start, says why, and leaves the file byte for byte as it was.
@Suite("chemgate run refuses a file that is not its log, unchanged")
struct ForeignLogFileTests {
    @Test func aForeignSQLiteDatabaseIsRefusedAtStartAndNotModified() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scada.db").path
        // Another program's database, made by Python's sqlite3 (not by chemgate).
        let made = try await ChildProcess.run(
            "python3",
            [
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                    + "c.execute('CREATE TABLE tags (name TEXT, value REAL)'); "
                    + "c.execute(\"INSERT INTO tags VALUES ('TI-101', 21.5)\"); c.commit(); c.close()",
                path,
            ]
        )
        #expect(made.status == 0, "\(made.output)")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let config = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-FOREIGN, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:1" } ]
        status: { listen: "127.0.0.1:\(try Tools.freePort())" }
        storage: { path: "\(path)" }
        devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
        """.write(to: config, atomically: true, encoding: .utf8)
        for command in [["run"], ["history", "--device", "gd-1", "--point", "concentration"]] {
            let result = try await ChildProcess.run(try Tools.chemgate(), command + ["--config", config.path])
            #expect(result.status == 1, "\(command): \(result.output)")
            #expect(result.output.contains("\(path) is not a chemgate log"), "\(command): \(result.output)")
            #expect(result.output.contains("It was not modified"), "\(command): \(result.output)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "byte for byte unchanged")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["scada.db", "site.yaml"], "no -wal or -shm beside it: \(files)")
    }
}
