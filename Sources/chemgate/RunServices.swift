import DeviceMap
import Foundation
import GatewayCore
import Logging
import NIOSSL
import Outbox
import Polling
import ServiceLifecycle
import TLSFiles
import Uplink
import UplinkPayload

/// The services `chemgate run` adds around the poller when it writes the durable log: one
/// forwarder per uplink, and the retention and size-cap enforcement.
enum RunServices {
    static func uplinks(site: SiteConfig, log: DurableLog, health: PollingHealth, logger: Logger) throws
        -> [UplinkForwarder]
    {
        return try site.uplinks.filter { $0.mqtt == nil }.map { uplink in
            let tls = try tlsConfiguration(for: uplink)
            var settings = UplinkForwarder.Settings(
                id: uplink.id,
                url: uplink.url,
                gateway: site.gateway.id,
                enterprise: site.gateway.enterprise,
                bearerToken: try environment(uplink.tokenEnvironment, key: "uplinks[\(uplink.id)].token_env"),
                hmacSecret: try environment(uplink.hmacSecretEnvironment, key: "uplinks[\(uplink.id)].hmac_secret_env"),
                batchRecords: uplink.batchRecords,
                batchBytes: uplink.batchBytes,
                batchDelay: uplink.batchDelay,
                heartbeatInterval: uplink.heartbeat,
                gzip: uplink.gzip,
                timeout: uplink.timeout,
                tls: tls,
                liveWindow: uplink.liveWindow,
                connectTimeout: uplink.connectTimeout,
                backlogMaxAge: uplink.backlogMaxAge,
                backlogMaxGrowth: uplink.backlogMaxGrowth
            )
            settings.profile = try profileChannel(for: uplink, site: site)
            settings.inFlight = uplink.inFlight
            settings.gzipLevel = uplink.gzipLevel
            return UplinkForwarder(settings: settings, log: log, logger: logger) {
                await heartbeat(site: site, log: log, health: health, destination: uplink.id)
            }
        }
    }

    /// The uplink's TLS from its `ca_file`, `client_cert` and `client_key`; nil when it has none.
    /// - Throws: `TLSFileError` naming the setting and the file that cannot be used.
    static func tlsConfiguration(for uplink: UplinkConfig) throws -> TLSConfiguration? {
        guard uplink.caFile != nil || uplink.clientCertificate != nil || uplink.clientKey != nil else { return nil }
        return try TLSSettings.client(
            caFile: uplink.caFile,
            certificateFile: uplink.clientCertificate,
            keyFile: uplink.clientKey,
            setting: "uplinks[\(uplink.id)]"
        )
    }

    /// The heartbeat: "monitoring alive" with the state the platform needs to tell it from "all quiet".
    static func heartbeat(site: SiteConfig, log: DurableLog, health: PollingHealth, destination: String) async
        -> HeartbeatPayload?
    {
        let snapshot = await health.snapshot(points: .none)
        guard let pending = try? await log.pending(for: destination) else { return nil }
        let drops = (try? await log.dropCounts()) ?? [:]
        let states = snapshot.devices.map(\.state)
        return HeartbeatPayload(
            gateway: site.gateway.id,
            enterprise: site.gateway.enterprise,
            logID: log.logID,
            time: .now(),
            uptimeSeconds: UInt64(max(0, snapshot.gateway.uptimeSeconds)),
            configHash: snapshot.gateway.configHash,
            devices: .init(
                ok: UInt64(states.filter { $0 == "ok" }.count),
                demoted: UInt64(states.filter { $0 == "demoted" || $0 == "failing" }.count),
                maintenance: UInt64(states.filter { $0 == "maintenance" }.count)
            ),
            outbox: .init(
                depth: UInt64(pending.records),
                oldestUnacknowledged: pending.oldestUnacknowledged,
                drops: .init(
                    sizeCapUnacknowledged: UInt64(drops[DropReason.sizeCapUnacknowledged.rawValue] ?? 0),
                    sizeCapAcknowledged: UInt64(drops[DropReason.sizeCapAcknowledged.rawValue] ?? 0),
                    retention: UInt64(drops[DropReason.retention.rawValue] ?? 0)
                )
            ),
            clock: .init(
                synchronized: snapshot.clock.synchronized ?? false,
                offsetMilliseconds: snapshot.clock.offsetMs.map { Int64($0.rounded()) }
            )
        )
    }

    private static func environment(_ variable: String?, key: String) throws -> String? {
        guard let variable else { return nil }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw ValidationFailure(description: "\(key) names \(variable), but that environment variable is not set")
        }
        return value
    }

    struct ValidationFailure: Error, CustomStringConvertible {
        var description: String
    }
}

/// Applies retention and the size cap to the durable log every minute; every second, checks that the
/// log's file is still there (not deleted or replaced under the gateway), watches free space and the
/// WAL and enforces the size cap (``DurableLog/watchSpace(now:)``); and enforces the cap at once
/// whenever an append takes the log over it (``DurableLog/capExceeded``).
struct LogLimitsService: Service {
    let log: DurableLog
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await capWatch() }
                group.addTask { await ticks() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Enforces the size cap as soon as an append exceeds it. After a pass that could not get under
    /// the cap (only events and alarm readings left), waits a second before trying again.
    private func capWatch() async {
        for await _ in log.capExceeded {
            if Task.isCancelled { return }
            let report = await watch()
            if report?.overCap == true { try? await Task.sleep(for: .seconds(1)) }
        }
    }

    private func ticks() async {
        var second = 0
        while !Task.isCancelled {
            if let problem = await log.checkFile() { logger.error("\(problem)") }
            let wasLow = log.diskProblem != nil
            _ = await watch()
            if let problem = log.diskProblem, !wasLow { logger.error("\(problem)") }
            if second % 60 == 0 {
                do {
                    let report = try await log.enforceLimits()
                    logger.debug("log limits applied", metadata: ["report": "\(report)"])
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("cannot apply the log's retention and size cap", metadata: ["error": "\(error)"])
                }
            }
            second += 1
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
        }
    }

    private func watch() async -> LimitReport? {
        do {
            return try await log.watchSpace()
        } catch {
            if !(error is CancellationError) {
                logger.error("cannot apply the log's size cap", metadata: ["error": "\(error)"])
            }
            return nil
        }
    }
}

extension LogLimitsService: CustomStringConvertible {
    var description: String { "log limits" }
}
