import ArgumentParser
import Foundation
import GatewayCore
import Logging
import MQTT
import Outbox
import TestSupport
import Uplink

/// `mqtt`: the MQTT client's QoS 1 publish rate beside a plain C libmosquitto loop on the same broker
/// in the same run (rounds interleaved), then the MQTT uplink's delivered records/s: a backlog drained
/// from the durable log, and 10,000 points each second with the gateway's CPU and memory.
struct MQTTScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "MQTT client vs a C libmosquitto QoS 1 loop (target ratio ≥ 0.90); MQTT uplink records/s, CPU, RSS."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Messages per publish round.")
    var messages: Int = 20_000

    @Option(help: "Bytes per message.")
    var bytes: Int = 300

    @Option(help: "QoS 1 messages in flight (both sides).")
    var inFlight: Int = 20

    @Option(help: "Alternating rounds (each side publishes --messages per round).")
    var rounds: Int = 4

    @Option(help: "Points appended each second for the steady-state figure.")
    var points: Int = 10_000

    func run() async throws {
        let broker = try await MosquittoBroker(durable: false)
        defer { broker.kill() }
        let reference = try Binaries.path("mqtt-loop-reference")
        var swift = (messages: 0, seconds: 0.0)
        var c = (messages: 0, seconds: 0.0)
        let count = options.quick ? min(messages, 5_000) : messages
        for round in 0..<max(rounds, 1) {
            if round % 2 == 0 {
                let s = try await clientRound(broker, count: count)
                let r = try await referenceRound(reference, broker, count: count)
                swift = (swift.messages + count, swift.seconds + s)
                c = (c.messages + count, c.seconds + r)
            } else {
                let r = try await referenceRound(reference, broker, count: count)
                let s = try await clientRound(broker, count: count)
                swift = (swift.messages + count, swift.seconds + s)
                c = (c.messages + count, c.seconds + r)
            }
        }
        Figure(
            scenario: "mqtt publish \(bytes) B",
            label: "chemgate MQTTClient QoS 1",
            value: Double(swift.messages) / swift.seconds,
            unit: "msg/s",
            referenceLabel: "C libmosquitto",
            reference: Double(c.messages) / c.seconds,
            target: .atLeast(0.9, "0.90"),
            note: "\(max(rounds, 1)) rounds of \(count) messages, \(inFlight) in flight, until the last PUBACK"
        ).print()
        try await backlog(broker)
        try await steady(broker)
    }

    /// Seconds for `count` QoS 1 messages through ``MQTTClient``, from the first publish to the last PUBACK.
    private func clientRound(_ broker: MosquittoBroker, count: Int) async throws -> Double {
        let client = try MQTTClient(
            options: MQTTOptions(
                name: "bench",
                host: "127.0.0.1",
                port: broker.port,
                clientID: "bench-swift",
                cleanSession: true,
                maxInFlight: inFlight
            )
        )
        try await client.connect()
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: bytes)
        let batch = (0..<count).map { _ in MQTTMessage(topic: "bench/chemgate", payload: payload) }
        let start = ContinuousClock.now
        try await client.publish(batch)
        let seconds = (ContinuousClock.now - start).secondsValue
        await client.stop()
        return seconds
    }

    private func referenceRound(_ path: String, _ broker: MosquittoBroker, count: Int) async throws -> Double {
        let arguments = ["127.0.0.1", String(broker.port), String(count), String(bytes), String(inFlight)]
        let (status, output) = try await ChildProcess.run(path, arguments, timeout: .seconds(120))
        let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard status == 0, words.count >= 4, let seconds = Double(words[3]) else {
            throw BenchFailure("mqtt-loop-reference failed (\(status)): \(output)")
        }
        return seconds
    }

    private func forwarder(_ broker: MosquittoBroker, log: DurableLog) -> MQTTForwarder {
        MQTTForwarder(
            settings: .init(
                id: "bench",
                gateway: "GW-BENCH",
                enterprise: "E",
                client: MQTTOptions(name: "uplink 'bench'", host: "127.0.0.1", port: broker.port, clientID: "bench-gw"),
                batchRecords: 500,
                batchDelay: .milliseconds(100),
                inFlight: inFlight
            ),
            log: log,
            logger: Logger(label: "bench")
        )
    }

    private func readings(_ count: Int, second: Int) -> [Reading] {
        (0..<count).map { index in
            Reading(
                gateway: "GW-BENCH",
                device: "d\(index / 10)",
                point: "p\(index % 10)",
                value: .number(Double(second * count + index)),
                unit: "%LEL",
                quality: .good,
                timestamp: .now()
            )
        }
    }

    /// A backlog of records drained from the log to the broker: records acknowledged per second.
    private func backlog(_ broker: MosquittoBroker) async throws {
        let directory = try Tools.temporaryDirectory()
        let log = try DurableLog(path: directory.appendingPathComponent("backlog.sqlite").path)
        let total = options.quick ? 20_000 : 100_000
        for second in 0..<(total / points) { _ = try await log.append(readings(points, second: second)) }
        let forwarder = forwarder(broker, log: log)
        let start = ContinuousClock.now
        let task = Task { try await forwarder.run() }
        while forwarder.statistics.values.acknowledged < total, ContinuousClock.now - start < .seconds(300) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = (ContinuousClock.now - start).secondsValue
        task.cancel()
        _ = await task.result
        Figure(
            scenario: "mqtt uplink backlog",
            label: "records acknowledged by PUBACK",
            value: Double(forwarder.statistics.values.acknowledged) / seconds,
            unit: "records/s",
            note: "\(total) readings in the log, chemgate format, 500 per message, \(inFlight) in flight"
        ).print()
    }

    /// `points` readings appended every second for the measurement window: what the uplink delivers,
    /// how far it lags, and the CPU and memory of this process (log writer and uplink together).
    private func steady(_ broker: MosquittoBroker) async throws {
        let directory = try Tools.temporaryDirectory()
        let log = try DurableLog(path: directory.appendingPathComponent("steady.sqlite").path)
        let forwarder = forwarder(broker, log: log)
        let task = Task { try await forwarder.run() }
        let meter = ProcessMeter.current
        let seconds = Int(options.window.secondsValue.rounded(.up))
        let cpuStart = meter.cpuSeconds() ?? 0
        let start = ContinuousClock.now
        for second in 0..<seconds {
            _ = try await log.append(readings(points, second: second))
            try await Task.sleep(until: start + .seconds(second + 1))
        }
        let appended = seconds * points
        let cpu = (meter.cpuSeconds() ?? 0) - cpuStart
        let delivered = forwarder.statistics.values.acknowledged
        let lag = (try? await log.pending(for: "bench").records) ?? -1
        task.cancel()
        _ = await task.result
        Figure(
            scenario: "mqtt uplink \(points) points @1 s",
            label: "records delivered",
            value: Double(delivered) / Double(seconds),
            unit: "records/s",
            referenceLabel: "appended",
            reference: Double(appended) / Double(seconds),
            target: .atLeast(0.95, "0.95"),
            note:
                "pending at the end \(lag); CPU \(Figure.format(cpu / Double(seconds))) core (log writer and uplink); "
                + "peak RSS \(Figure.format(meter.peakResidentMegabytes() ?? 0)) MB"
        ).print()
    }
}
