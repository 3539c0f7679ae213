import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOHTTP1
import Receiver
import TestSupport

/// `chemgate receive`'s server, in process, on a free port of 127.0.0.1 with its own database.
struct LocalReceiver {
    let app: ReceiverApp
    let url: String
    let port: Int
    private let server: ServedInBackground

    static func start(in directory: URL) async throws -> LocalReceiver {
        let port = try Tools.freePort()
        let app = try ReceiverApp(
            options: ReceiverOptions(
                port: port,
                databasePath: directory.appendingPathComponent("receiver-\(port).sqlite").path,
                testControls: true
            ),
            logger: quietLogger
        )
        let application = try app.makeApplication()
        let server = ServedInBackground(application, logger: quietLogger)
        let url = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let response = try? await HTTPClient.shared.execute(
                HTTPClientRequest(url: url + "/health"),
                timeout: .seconds(2)
            )
            if response?.status == .ok { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return LocalReceiver(app: app, url: url, port: port, server: server)
    }

    func stop() { server.stop() }
}
