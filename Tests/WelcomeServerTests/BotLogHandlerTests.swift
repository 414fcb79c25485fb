import Foundation
import Logging
import Testing

@testable import WelcomeServer

@Suite("Logs: one JSON object per line, through one redaction point")
struct BotLogHandlerTests {
    private func logger(_ sink: LogSink, format: BotLogHandler.Format = .json, level: Logger.Level = .info) -> Logger {
        Logger(label: "welcomebot") { BotLogHandler(label: $0, level: level, format: format, sink: sink) }
    }

    @Test("a line has time, level, message and the allowed metadata; other keys are dropped")
    func shape() throws {
        let sink = LogSink.capture()
        var logger = logger(sink)
        logger[metadataKey: "webhook.channel"] = "whatsapp"
        logger.info(
            "webhook.handled", metadata: ["http.status": "200", "latency.ms": "1.25", "message.text": "mein Name ist Amir"])
        let line = try #require(sink.captured.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "info")
        #expect(object["message"] == "webhook.handled")
        #expect(object["webhook.channel"] == "whatsapp")
        #expect(object["http.status"] == "200")
        #expect(object["latency.ms"] == "1.25")
        #expect(object["message.text"] == nil)
        #expect(!line.contains("Amir"))
        #expect(object["time"]?.hasPrefix("20") == true)
    }

    @Test("latencies are written in milliseconds with two decimals")
    func latency() throws {
        let written = LogRedaction.milliseconds(since: ContinuousClock.now - .microseconds(12_345))
        #expect(written.wholeMatch(of: /\d+\.\d\d/) != nil, "\(written)")
        let value = try #require(Double(written))
        #expect(value >= 12.34 && value < 12_000, "\(written)")
        #expect(LogRedaction.milliseconds(since: ContinuousClock.now - .microseconds(50)).hasPrefix("0.0"))
        #expect(LogRedaction.milliseconds(since: ContinuousClock.now + .seconds(1)) == "0.00")
    }

    @Test(
        "phone numbers, e-mail addresses and secrets are scrubbed even under allowed keys and in the message",
        arguments: [
            ("+49 176 1234567", "[number]"), ("4915112345678", "[number]"), ("amir.k@example.org", "[email]"),
            ("123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", "[secret]"),
            ("sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441", "[secret]"),
        ])
    func scrubbed(value: String, replacement: String) throws {
        let sink = LogSink.capture()
        logger(sink).error("failed for \(value)", metadata: ["outbox.reason": "\(value)"])
        let line = try #require(sink.captured.first)
        #expect(!line.contains(value))
        #expect(line.contains(replacement))
    }

    @Test("what the bot writes itself stays readable: codes, counts, pseudonyms, file and line")
    func readable() {
        #expect(LogRedaction.scrub("rate limited (131056)") == "rate limited (131056)")
        #expect(LogRedaction.scrub("Intents/de.yaml:3:1: error: a tab") == "Intents/de.yaml:3:1: error: a tab")
        #expect(LogRedaction.scrub("3f2a9c41d0e8b7a6") == "3f2a9c41d0e8b7a6")
    }

    @Test("the human format is one readable line; the level filters")
    func human() throws {
        let sink = LogSink.capture()
        let logger = logger(sink, format: .human, level: .warning)
        logger.info("not written")
        logger.warning("webhook.rejected", metadata: ["webhook.outcome": "bad_signature"])
        #expect(sink.captured.count == 1)
        let line = try #require(sink.captured.first)
        #expect(line.hasSuffix("WARNING webhook.rejected webhook.outcome=bad_signature"))
    }
}
