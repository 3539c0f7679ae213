import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Receiver
import UplinkPayload

/// Runs a receiver with a fresh database for one test.
enum ReceiverHarness {
    static func run(
        _ setup: TestingSetup = .router,
        bearerToken: String? = nil,
        hmacSecret: String? = nil,
        maxBodyBytes: Int = 16 * 1024 * 1024,
        testControls: Bool = true,
        _ test: @Sendable (any TestClientProtocol, ReceiverStore) async throws -> Void
    ) async throws {
        let options = ReceiverOptions(
            host: "127.0.0.1",
            port: 0,
            databasePath: Fixtures.databasePath(),
            bearerToken: bearerToken,
            hmacSecret: hmacSecret,
            maxBodyBytes: maxBodyBytes,
            testControls: testControls
        )
        var logger = Logger(label: "receiver-tests")
        logger.logLevel = .critical
        let receiver = try ReceiverApp(options: options, logger: logger)
        let store = receiver.store
        try await receiver.makeApplication().test(setup) { client in try await test(client, store) }
    }
}

extension TestClientProtocol {
    /// POSTs `batch` with its Idempotency-Key, plus `headers`; `body` replaces the encoded batch.
    func post(
        _ batch: BatchPayload,
        headers: HTTPFields = [:],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        var allHeaders: HTTPFields = [
            HTTPField.Name("Idempotency-Key")!: batch.batchID, .contentType: "application/json",
        ]
        allHeaders.append(contentsOf: headers)
        return try await execute(
            uri: "/batches",
            method: .post,
            headers: allHeaders,
            body: ByteBuffer(bytes: body ?? Array(batch.encode()))
        )
    }

    func counts() async throws -> ReceiverCounts {
        let response = try await execute(uri: "/counts", method: .get)
        return try JSONDecoder().decode(ReceiverCounts.self, from: Data(response.body.readableBytesView))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    }

    func outcome() throws -> BatchOutcome {
        try JSONDecoder().decode(BatchOutcome.self, from: Data(body.readableBytesView))
    }
}

/// HTTP header fields from the string pairs `UplinkSignature.headers` gives.
func fields(_ pairs: [String: String]) -> HTTPFields {
    var fields = HTTPFields()
    for (name, value) in pairs { fields[HTTPField.Name(name)!] = value }
    return fields
}
