import Foundation
import GatewayCore
import Logging
import Testing

@testable import chemgate

/// The log records' formats (text, logfmt, JSON), the journald priority prefix, the repeat limiter
/// and the secret mask, without a process.
@Suite("log formats")
struct LogFormatTests {
    static let time = Timestamp(milliseconds: 1_796_292_944_123)  // 2026-12-03T10:15:44.123Z

    static func record(
        _ message: String = "upload failed; retrying",
        level: Logger.Level = .warning,
        metadata: Logger.Metadata = [:]
    ) -> LogRecord {
        LogRecord(time: time, level: level, label: "chemgate.run", message: message, metadata: metadata)
    }

    @Test func logfmtQuotesWhatNeedsQuoting() {
        let line = Self.record(
            metadata: [
                "uplink": "park",
                "reason": "connection refused (errno: 111)",
                "quote": "say \"hi\"",
                "lines": "one\ntwo",
                "equals": "a=b",
                "empty": "",
                "path": "C:\\log",
            ]
        ).line(.logfmt)
        #expect(
            line == "ts=2026-12-03T10:15:44.123Z level=warning logger=chemgate.run msg=\"upload failed; retrying\" "
                + "empty=\"\" equals=\"a=b\" lines=\"one\\ntwo\" path=\"C:\\\\log\" quote=\"say \\\"hi\\\"\" "
                + "reason=\"connection refused (errno: 111)\" uplink=park"
        )
        #expect(!line.contains("\n"))
    }

    @Test func logfmtKeysAreBare() {
        let line = Self.record(metadata: ["a key": "v", "k=x": "v"]).line(.logfmt)
        #expect(line.hasSuffix(" a_key=v k_x=v"), "\(line)")
    }

    @Test func jsonRecordsParseBackToTheirValues() throws {
        let metadata: Logger.Metadata = [
            "reason": "say \"hi\"\n\ttab \u{1}ctl",
            "location": "罐区 A",
            "list": ["a", "b"],
            "msg": "must not replace the message",
        ]
        let line = Self.record("alarm raised", metadata: metadata).line(.json)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["ts"] == "2026-12-03T10:15:44.123Z")
        #expect(object["level"] == "warning")
        #expect(object["logger"] == "chemgate.run")
        #expect(object["msg"] == "alarm raised")
        #expect(object["reason"] == "say \"hi\"\n\ttab \u{1}ctl")
        #expect(object["location"] == "罐区 A")
        #expect(object["list"] == "[a, b]")
        #expect(object["_msg"] == "must not replace the message")
    }

    @Test func textHasMillisecondsAndQuotedValues() {
        let line = Self.record("link down", metadata: ["link": "rs485-1", "error": "no reply"]).line(.text)
        #expect(line == "2026-12-03T10:15:44.123Z warning link down error=\"no reply\" link=rs485-1")
    }

    @Test func journaldGetsTheSyslogSeverityInFront() {
        let levels: [(Logger.Level, String)] = [
            (.critical, "<2>"), (.error, "<3>"), (.warning, "<4>"), (.notice, "<5>"), (.info, "<6>"), (.debug, "<7>"),
            (.trace, "<7>"),
        ]
        for (level, prefix) in levels {
            for format in LogFormat.allCases {
                let line = Self.record(level: level).line(format, journal: true)
                #expect(line.hasPrefix(prefix), "\(level) \(format): \(line)")
                #expect(!Self.record(level: level).line(format).hasPrefix("<"))
            }
        }
    }

    @Test func repeatedFailuresAreWrittenOnceAMinuteWithACount() {
        let limiter = RepeatLimiter(window: .seconds(60))
        let start = ContinuousClock.now
        let park: Logger.Metadata = ["uplink": "park", "in": "2 s"]
        #expect(
            limiter.decide(level: .warning, message: "upload failed", metadata: park, now: start)
                == .write(suppressed: 0)
        )
        for second in 1...5 {
            let decision = limiter.decide(
                level: .warning,
                message: "upload failed",
                metadata: ["uplink": "park", "in": "\(second) s"],
                now: start + .seconds(second)
            )
            #expect(decision == .suppress)
        }
        // Another uplink is another subject.
        let other: Logger.Metadata = ["uplink": "backup"]
        #expect(
            limiter.decide(level: .warning, message: "upload failed", metadata: other, now: start + .seconds(2))
                == .write(suppressed: 0)
        )
        // After the window: written again, with the count left out.
        #expect(
            limiter.decide(level: .warning, message: "upload failed", metadata: park, now: start + .seconds(61))
                == .write(suppressed: 5)
        )
        #expect(
            limiter.decide(level: .warning, message: "upload failed", metadata: park, now: start + .seconds(62))
                == .suppress
        )
    }

    @Test func noticesAndEventsAreNeverHeldBack() {
        let limiter = RepeatLimiter(window: .seconds(60))
        let now = ContinuousClock.now
        for _ in 0..<3 {
            #expect(
                limiter.decide(level: .notice, message: "uplink recovered", metadata: [:], now: now)
                    == .write(suppressed: 0)
            )
            #expect(
                limiter.decide(level: .warning, message: "alarm raised", metadata: ["event": "alarm_raised"], now: now)
                    == .write(suppressed: 0)
            )
        }
    }

    @Test func theHandlerMasksConfiguredSecretsAndCountsRepeats() {
        let output = LineOutput(collecting: true)
        LogSecrets.shared.add(["s3cret-bearer-value"])
        var logger = Logger(label: "t") { label in
            LineLogHandler(
                label: label,
                format: .logfmt,
                journal: false,
                limiter: RepeatLimiter(window: .seconds(60)),
                output: output,
                logLevel: .notice
            )
        }
        logger.logLevel = .notice
        logger.error("platform said no", metadata: ["header": "Bearer s3cret-bearer-value"])
        logger.error("platform said no", metadata: ["header": "Bearer s3cret-bearer-value"])
        logger.info("not at this level")
        let lines = output.collected
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.contains("header=\"Bearer ***\"") == true, "\(lines)")
        #expect(!lines.joined().contains("s3cret-bearer-value"))
    }
}
