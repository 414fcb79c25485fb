import Foundation
import Logging
import Persistence

/// The one place that decides what may reach a log line. Operators need to see what arrives and
/// what goes out; nobody reading logs may learn who wrote or what they wrote. So only metadata
/// under known keys passes, every value and the message itself are scrubbed of what looks like a
/// phone number, an e-mail address or a secret, and everything else is dropped.
public enum LogRedaction {
    /// Keys whose values are safe by construction: channels, outcomes, numbers, pseudonyms,
    /// error kinds and reasons the code wrote itself. A new key must be added here to be logged.
    public static let allowedKeys: Set<String> = [
        "hb.request.id", "request.id", "http.route", "http.method", "http.status", "latency.ms",
        "webhook.channel", "webhook.outcome", "webhook.messages", "webhook.statuses", "webhook.ignored",
        "user.pseudonym", "outbox.id", "outbox.reason", "outbox.state", "messenger.channel",
        "error.type", "retention.claims", "retention.conversations", "retention.deliveries",
        "catalog.reason", "catalog.intents", "catalog.languages", "catalog.errors", "catalog.first_error",
        "answer.outcome", "answer.language", "answer.intent", "retention.dead_letters", "retention.questions",
        "admin.action", "database.reason", "database.retry_ms",
    ]

    /// What a log line may say of `metadata`: allowed keys only, flattened, values scrubbed.
    public static func redact(_ metadata: Logger.Metadata) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in metadata where allowedKeys.contains(key) {
            result[key] = scrub(flatten(value))
        }
        return result
    }

    /// Replaces what looks like personal data or a secret, wherever it came from: runs of seven
    /// or more digits (phone numbers, messenger user ids), e-mail addresses, and long unbroken
    /// runs of letters and digits (tokens, signatures, keys).
    public static func scrub(_ text: String) -> String {
        var scrubbed = text.replacing(/[\w.+-]+@[\w-]+(\.[\w-]+)+/, with: "[email]")
        scrubbed = scrubbed.replacing(/\+?\d(?:[ \-.\/()]?\d){6,}/, with: "[number]")
        scrubbed = scrubbed.replacing(/[A-Za-z0-9_\-:=\/+]{33,}/, with: "[secret]")
        return scrubbed
    }

    /// A latency for `latency.ms`, to a hundredth of a millisecond.
    public static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        // In hundredths of a millisecond, written without String(format:), which is slow.
        let hundredths = max(0, elapsed.components.seconds * 100_000 + elapsed.components.attoseconds / 10_000_000_000_000)
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func flatten(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(flatten).joined(separator: ",")
        case .dictionary(let values):
            values.sorted { $0.key < $1.key }.map { "\($0.key)=\(flatten($0.value))" }.joined(separator: ",")
        }
    }
}

extension Pseudonym {
    /// The first 16 hex digits: enough for an operator to follow one person's deliveries through
    /// the logs (and to find the rows that start with it), less to link elsewhere.
    public var logged: String { String(value.prefix(16)) }
}
