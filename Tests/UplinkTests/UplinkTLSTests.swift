import Foundation
import GatewayCore
import Hummingbird
import NIOSSL
import Outbox
import Receiver
import Synchronization
import TLSFiles
import TestSupport
import Testing
import Uplink

/// The uplink over HTTPS against `chemgate receive`'s server with a throwaway CA: a custom CA and a
/// client certificate work, and every wrong combination fails the handshake without losing a record.
@Suite("Uplink over TLS")
struct UplinkTLSTests {
    /// What a run of one forwarder left: records the receiver stored, records still pending, the last error.
    struct Outcome {
        var received: Int
        var pending: Int
        var deadLetters: Int
        var lastError: String?
    }

    /// Starts an HTTPS receiver (requiring client certificates when `mutual`), appends `count` readings
    /// to a fresh log and runs a forwarder with `tls` until the log is drained or the forwarder reports
    /// an error.
    func deliver(
        _ count: Int,
        certificates: TestCertificates,
        mutual: Bool,
        tls: TLSConfiguration?
    ) async throws -> Outcome {
        let directory = try Tools.temporaryDirectory()
        let port = try Tools.freePort()
        let receiver = try ReceiverApp(
            options: ReceiverOptions(
                port: port,
                databasePath: directory.appendingPathComponent("receiver.sqlite").path,
                tls: try TLSSettings.server(
                    certificateFile: certificates.serverCertificate,
                    keyFile: certificates.serverKey,
                    clientCAFile: mutual ? certificates.caFile : nil
                )
            ),
            logger: quietLogger
        )
        let listening = Mutex(false)
        let application = try receiver.makeApplication { _ in listening.withLock { $0 = true } }
        let receiverServer = ServedInBackground(application, logger: quietLogger)
        defer { receiverServer.stop() }
        while !listening.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }

        let log = try DurableLog(
            path: directory.appendingPathComponent("log.sqlite").path,
            options: LogOptions(destinations: ["park"])
        )
        let now = Timestamp.now()
        _ = try await log.append(
            (0..<count).map { index in
                Reading(
                    gateway: "GW-TLS",
                    device: "gd-101",
                    point: "gas",
                    value: .number(Double(index)),
                    unit: "%LEL",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: now.milliseconds + Int64(index))
                )
            }
        )
        let forwarder = UplinkForwarder(
            settings: .init(
                id: "park",
                url: "https://127.0.0.1:\(port)",
                gateway: "GW-TLS",
                enterprise: "E-TLS",
                batchDelay: .milliseconds(50),
                heartbeatInterval: .seconds(600),
                timeout: .seconds(5),
                tls: tls
            ),
            log: log,
            logger: quietLogger,
            heartbeat: { nil }
        )
        let forwarderTask = Task { try await forwarder.run() }
        defer { forwarderTask.cancel() }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await log.pending(for: "park").records == 0 || forwarder.statistics.values.lastError != nil {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return Outcome(
            received: try await receiver.store.counts().records,
            pending: try await log.pending(for: "park").records,
            deadLetters: try await log.deadLetters(destination: "park").count,
            lastError: forwarder.statistics.values.lastError
        )
    }

    /// A client trusting only `caFile`, without a client certificate.
    func trusting(_ caFile: String) throws -> TLSConfiguration {
        try TLSSettings.client(caFile: caFile, certificateFile: nil, keyFile: nil, setting: "uplinks[park]")
    }

    @Test func aCustomCAAndAClientCertificateDeliverEveryRecord() async throws {
        let certificates = try await TestCertificates.make()
        let tls = try TLSSettings.client(
            caFile: certificates.caFile,
            certificateFile: certificates.clientCertificate,
            keyFile: certificates.clientKey,
            setting: "uplinks[park]"
        )
        let outcome = try await deliver(120, certificates: certificates, mutual: true, tls: tls)
        #expect(outcome.lastError == nil)
        #expect(outcome.received == 120)
        #expect(outcome.pending == 0)
    }

    @Test func aCustomCAAloneDeliversToAServerWithoutClientCertificates() async throws {
        let certificates = try await TestCertificates.make()
        let tls = try trusting(certificates.caFile)
        let outcome = try await deliver(10, certificates: certificates, mutual: false, tls: tls)
        #expect(outcome.received == 10)
        #expect(outcome.pending == 0)
    }

    @Test(arguments: ["system CAs", "another CA"])
    func aServerCertificateFromAnUntrustedCAIsRefused(trust: String) async throws {
        let certificates = try await TestCertificates.make()
        let tls =
            trust == "system CAs"
            ? nil
            : try trusting(certificates.otherCAFile)
        let outcome = try await deliver(10, certificates: certificates, mutual: false, tls: tls)
        #expect(outcome.received == 0)
        #expect(outcome.pending == 10, "kept for when the trust is fixed")
        #expect(outcome.deadLetters == 0, "a TLS failure is not the batch's fault")
        let error = try #require(outcome.lastError)
        #expect(error.contains("TLS: the platform's certificate is not trusted"), "\(error)")
    }

    @Test func mutualTLSRefusesAGatewayWithoutAClientCertificate() async throws {
        let certificates = try await TestCertificates.make()
        let tls = try trusting(certificates.caFile)
        let outcome = try await deliver(10, certificates: certificates, mutual: true, tls: tls)
        #expect(outcome.received == 0)
        #expect(outcome.pending == 10)
        #expect(outcome.deadLetters == 0)
        let error = try #require(outcome.lastError)
        #expect(error.contains("set client_cert and client_key"), "\(error)")
    }

    @Test func unusableFilesAreNamedWithTheirSetting() async throws {
        let certificates = try await TestCertificates.make()
        let missing = certificates.path("nope.pem")
        let cases: [(() throws -> TLSConfiguration, String)] = [
            (
                {
                    try TLSSettings.client(
                        caFile: missing,
                        certificateFile: nil,
                        keyFile: nil,
                        setting: "uplinks[park]"
                    )
                },
                "uplinks[park].ca_file '\(missing)': no such file"
            ),
            (
                {
                    try TLSSettings.client(
                        caFile: certificates.caKeyFile,
                        certificateFile: nil,
                        keyFile: nil,
                        setting: "uplinks[park]"
                    )
                },
                "uplinks[park].ca_file '\(certificates.caKeyFile)': not a PEM certificate file"
            ),
            (
                {
                    try TLSSettings.client(
                        caFile: nil,
                        certificateFile: certificates.clientCertificate,
                        keyFile: certificates.clientCertificate,
                        setting: "uplinks[park]"
                    )
                },
                "uplinks[park].client_key '\(certificates.clientCertificate)': not an unencrypted PEM private key"
            ),
            (
                {
                    try TLSSettings.client(
                        caFile: nil,
                        certificateFile: certificates.clientCertificate,
                        keyFile: nil,
                        setting: "uplinks[park]"
                    )
                },
                "a client certificate needs both client_cert and client_key"
            ),
        ]
        for (make, expected) in cases {
            let error = #expect(throws: TLSFileError.self) { try make() }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        }
    }
}

extension TestCertificates {
    /// The CA's private key: a PEM file, but not a certificate.
    var caKeyFile: String { path("ca.key") }
}
