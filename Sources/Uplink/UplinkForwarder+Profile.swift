import AsyncHTTPClient
import FramedTCP
import GatewayCore
import Logging
import NIOHTTP1
import Outbox
import PlatformProfile

/// The platform-profile path of the forwarder: a batch's records become the profile's messages, each
/// sent in turn (HTTP POST to the uplink's url, or a frame on its TCP connection); the batch leaves the
/// outbox only when every message got a reply the profile's `reply:` rule accepts.
extension UplinkForwarder {
    /// Sends the messages of `batch`, in order, stopping at the first one not accepted. A batch that was
    /// partly delivered is sent whole again later (the platform sees those messages twice: at least once).
    func post(_ batch: Batch, channel: ProfileChannel) async -> Outcome {
        let rendered: RenderedBatch
        do {
            rendered = try channel.render(batch.records, batchID: batch.batchID, logID: log.logID)
        } catch {
            // A record the profile cannot render (a message over max_bytes on its own) never will be.
            return .deadLetter("profile '\(channel.profile.name)' cannot render the batch: \(error)")
        }
        for message in rendered.messages {
            let outcome = await deliver(message, channel: channel, what: "batch \(batch.batchID)")
            guard case .accepted = outcome else { return outcome }
        }
        return .accepted
    }

    /// Sends one rendered message and reads the platform's reply through the profile's reply rule.
    func deliver(_ message: RenderedMessage, channel: ProfileChannel, what: String) async -> Outcome {
        if let tcp = channel.tcp {
            do throws(FramedTCPError) {
                guard let reply = try await tcp.send(message.body) else { return .accepted }
                return Self.outcome(of: channel.verdict(on: reply), what: what, transport: "frame")
            } catch {
                return .failed(SendFailure(description: error.description, cannotConnect: error.code == .connect))
            }
        }
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        for header in message.headers { request.headers.add(name: header.name, value: header.value) }
        // Platforms' access documents post plain JSON: no gzip on a profile's messages.
        switch await send(request: &request, body: message.body, gzip: false) {
        case .failure(let failure):
            return .failed(failure)
        case .success(let reply):
            guard (200..<300).contains(reply.status) else {
                switch reply.batchOutcome(entries: message.sequences.count) {
                case .accepted: return .accepted
                case .retryAfter(let delay, let reason): return .retryAfter(delay, reason)
                case .deadLetter(let reason): return .deadLetter(reason)
                case .tooLarge(let reason): return .tooLarge(reason)
                case .failed(let reason): return .failed(SendFailure(description: reason, cannotConnect: false))
                }
            }
            return Self.outcome(
                of: channel.verdict(on: reply.body),
                what: what,
                transport: "HTTP \(reply.status) reply"
            )
        }
    }

    static func outcome(of verdict: ReplyVerdict, what: String, transport: String) -> Outcome {
        switch verdict.kind {
        case .accepted:
            return .accepted
        case .permanent:
            return .deadLetter("the platform refused \(what) for good (\(transport): \(verdict.detail))")
        case .temporary:
            return .failed(
                SendFailure(
                    description: "the platform did not accept \(what) (\(transport): \(verdict.detail)); "
                        + "it stays in the log and is sent again",
                    cannotConnect: false
                )
            )
        }
    }

    /// Sends the point catalogue's messages; accepted only when every one is.
    func sendCatalogue(_ channel: ProfileChannel) async -> Outcome {
        let messages: [RenderedMessage]
        do {
            messages = try channel.catalogue()
        } catch {
            logger.error(
                "cannot render the point catalogue; data is sent without it",
                metadata: ["uplink": "\(settings.id)", "profile": "\(channel.profile.name)", "error": "\(error)"]
            )
            return .deadLetter("\(error)")
        }
        for message in messages {
            let outcome = await deliver(message, channel: channel, what: "the point catalogue")
            switch outcome {
            case .accepted:
                continue
            case .deadLetter(let reason), .tooLarge(let reason):
                logger.error(
                    "the platform refused the point catalogue; data is sent without it",
                    metadata: ["uplink": "\(settings.id)", "reason": "\(reason)"]
                )
                statistics.record { $0.lastError = reason }
                return outcome
            default:
                return outcome
            }
        }
        let points = messages.reduce(0) { $0 + $1.points.count }
        logger.notice(
            "point catalogue accepted",
            metadata: ["uplink": "\(settings.id)", "points": "\(points)", "messages": "\(messages.count)"]
        )
        statistics.record { $0.catalogueAcknowledgement = .now() }
        do {
            try await log.recordCatalogue(digest: channel.catalogueDigest, for: settings.id)
        } catch {
            // Only costs a catalogue sent again at the next start.
            logger.warning(
                "cannot record the accepted catalogue in the log",
                metadata: ["uplink": "\(settings.id)", "error": "\(error)"]
            )
        }
        return .accepted
    }

    /// Sends the profile's heartbeat message; a failure is logged, the next one comes on schedule.
    func sendProfileHeartbeat(_ channel: ProfileChannel) async {
        let failure: String
        do {
            guard let message = try channel.heartbeat() else { return }
            switch await deliver(message, channel: channel, what: "a heartbeat") {
            case .accepted:
                statistics.record { $0.heartbeats += 1 }
                return
            case .retryAfter(_, let reason), .deadLetter(let reason), .tooLarge(let reason):
                failure = reason
            case .failed(let sendFailure):
                failure = sendFailure.description
            }
        } catch {
            failure = "\(error)"
        }
        if Task.isCancelled { return }
        logger.warning("heartbeat failed", metadata: ["uplink": "\(settings.id)", "reason": "\(failure)"])
    }
}
