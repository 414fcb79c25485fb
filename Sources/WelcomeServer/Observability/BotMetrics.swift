import Foundation
import Persistence
import Prometheus
import Synchronization
import WelcomeCore

/// Everything `GET /metrics` shows, in the Prometheus text format. Names and units follow the
/// OpenTelemetry conventions as Prometheus spells them (`http.server.request.duration` in
/// seconds becomes `http_server_request_duration_seconds`); our own start with `welcomebot_`.
/// No label ever holds a user id, a chat id or text: only routes, methods, statuses, channels,
/// outcomes, languages and intent ids of the catalog.
///
/// Each server has its own registry rather than swift-metrics' process-wide one, which can be
/// set only once per process: tests run many servers side by side and each must count alone.
/// Using the registry's own API also keeps a HELP line on every metric.
public final class BotMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Where the histogram's buckets lie: most requests take a millisecond or two, a slow disk
    /// or a reload can take a second.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .microseconds(2_500_000), .seconds(5), .seconds(10),
    ]

    /// How a webhook delivery ended, as counted and shown on the dashboard.
    public enum WebhookOutcome: String, Sendable, CaseIterable {
        /// A new message, answered and its replies queued.
        case accepted
        /// A message seen before (a redelivery): acknowledged, not answered again.
        case duplicate
        case badSignature = "bad_signature"
        /// Not a webhook of that messenger: bad JSON, wrong content type, too large.
        case malformed
        /// Authentic, but nothing to answer (a reaction, an edit, a typing notice).
        case ignored
        /// Delivery statuses of sent replies only.
        case status
        /// The store failed: answered 500, and the messenger delivers again later.
        case failed
    }

    /// What the outbox sender made of one attempt.
    public enum SendResult: String, Sendable {
        case sent
        case retry
        case dead
    }

    private let helps: [String: String] = [
        "http_server_request_duration_seconds": "Duration of HTTP server requests, by route template, method and status.",
        "welcomebot_webhook_deliveries_total":
            "Webhook deliveries by channel and outcome; accepted and duplicate count messages, the others requests.",
        "welcomebot_outbox_calls": "Outbox calls by state (pending, retrying, sent, dead) at the time of the scrape.",
        "welcomebot_outbox_oldest_pending_age_seconds": "Age of the oldest reply not yet sent; 0 when none is pending.",
        "welcomebot_send_attempts_total": "Attempts to send a reply, by channel and result (sent, retry, dead).",
        "welcomebot_dead_letters_total": "Replies given up, by channel.",
        "welcomebot_catalog_reloads_total": "Reloads of the intent files, by result (reloaded, failed).",
        "welcomebot_catalog_last_good_load_timestamp_seconds": "Unix time when the catalog now served was loaded.",
        "welcomebot_catalog_errors": "Errors in the intent files as last read; the last good catalog serves meanwhile.",
        "welcomebot_answers_total": "Messages answered, by language, intent and outcome (matched, ambiguous, no-match).",
        "welcomebot_fallbacks_total": "Messages nothing in the catalog answered, by language.",
    ]

    /// Answers by language and intent since start, for the dashboard.
    private let tally = Mutex<[String: [String: Int]]>([:])

    public init() {}

    /// The full name goes in `metricName` (units are part of our names already).
    private func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: helps[name] ?? "")
    }

    private func counter(_ name: String, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: descriptor(name), labels: labels)
    }

    private func gauge(_ name: String, _ labels: [(String, String)] = []) -> Gauge {
        labels.isEmpty
            ? registry.makeGauge(descriptor: descriptor(name)) : registry.makeGauge(descriptor: descriptor(name), labels: labels)
    }

    // MARK: Events

    /// One HTTP request finished. `route` is the route template, empty when no route matched
    /// (so that scanners probing random paths cannot blow up the number of series).
    public func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        let name = "http_server_request_duration_seconds"
        registry.makeDurationHistogram(
            descriptor: descriptor(name),
            labels: [("http_route", route), ("http_request_method", method), ("http_response_status_code", "\(status)")],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    public func webhookDelivery(channel: String, outcome: WebhookOutcome, count: Int = 1) {
        guard count > 0 else { return }
        counter("welcomebot_webhook_deliveries_total", [("channel", channel), ("outcome", outcome.rawValue)])
            .increment(by: Int64(count))
    }

    public func sendAttempt(channel: String, result: SendResult) {
        counter("welcomebot_send_attempts_total", [("channel", channel), ("result", result.rawValue)]).increment()
        if result == .dead {
            counter("welcomebot_dead_letters_total", [("channel", channel)]).increment()
        }
    }

    public func catalogReload(succeeded: Bool) {
        counter("welcomebot_catalog_reloads_total", [("result", succeeded ? "reloaded" : "failed")]).increment()
    }

    /// A message was answered (counted after its transaction committed, so a redelivery after a
    /// failed commit is not counted twice).
    public func answered(_ answer: Answer) {
        let outcome = answer.outcome.rawValue
        let intent = answer.outcome == .matched ? (answer.intent ?? "") : ""
        counter("welcomebot_answers_total", [("language", answer.language), ("intent", intent), ("outcome", outcome)])
            .increment()
        if answer.outcome == .noMatch {
            counter("welcomebot_fallbacks_total", [("language", answer.language)]).increment()
        }
        let key = answer.outcome == .matched ? intent : "(\(outcome))"
        tally.withLock { $0[answer.language, default: [:]][key, default: 0] += 1 }
    }

    /// Answers since start by language, then by intent id; `(no-match)` and `(ambiguous)` for
    /// the others.
    public var answersByLanguage: [String: [String: Int]] { tally.withLock { $0 } }

    // MARK: Scrape

    /// Reads what is measured by looking (the outbox, the catalog) and renders every metric.
    public func render(store: any MessageStore, catalog: LiveCatalog, now: Date = Date()) async -> String {
        if let overview = try? await store.outboxOverview(limit: 0) {
            let states = [
                ("pending", overview.pending), ("retrying", overview.retrying), ("sent", overview.sent),
                ("dead", overview.dead),
            ]
            for (state, count) in states {
                gauge("welcomebot_outbox_calls", [("state", state)]).set(Double(count))
            }
            let age = overview.oldestPendingSince.map { max(0, now.timeIntervalSince($0)) } ?? 0
            gauge("welcomebot_outbox_oldest_pending_age_seconds").set(age)
        }
        let status = catalog.status
        gauge("welcomebot_catalog_last_good_load_timestamp_seconds").set(status.loadedAt.timeIntervalSince1970)
        gauge("welcomebot_catalog_errors").set(Double(status.errors.count))
        return registry.emitToString()
    }
}
