import AsyncHTTPClient
import Foundation
import NIOCore
import Receiver
import TestSupport

/// `chemgate receive` as a child process, and its `GET /counts`.
struct ReceiverProcess {
    let child: ChildProcess
    let port: Int

    static func start(in directory: URL) async throws -> ReceiverProcess {
        let port = try Tools.freePort()
        let child = try ChildProcess(
            try Binaries.path("chemgate"),
            [
                "receive", "--listen", "127.0.0.1:\(port)",
                "--database", directory.appendingPathComponent("receiver.sqlite").path,
            ]
        )
        try await child.waitForLine(containing: "listening on")
        return ReceiverProcess(child: child, port: port)
    }

    func counts() async throws -> ReceiverCounts {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/counts")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return try JSONDecoder().decode(ReceiverCounts.self, from: Data(body.readableBytesView))
    }
}
