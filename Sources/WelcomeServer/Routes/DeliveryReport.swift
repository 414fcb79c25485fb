import Foundation
import HTTPTypes
import Logging
import Persistence

/// How one webhook delivery ended, said once in each place operators look: a log line, the
/// metrics and the dashboard's list of recent deliveries. Both webhook routes end through it,
/// so the three never disagree.
struct DeliveryReport {
    typealias Outcome = BotMetrics.WebhookOutcome

    let services: BotServices
    let channel: String
    private(set) var logger: Logger
    private let started = ContinuousClock.now
    private var accepted = 0
    private var duplicates = 0

    init(channel: String, route: String, services: BotServices, logger: Logger) {
        self.services = services
        self.channel = channel
        var logger = logger
        logger[metadataKey: "webhook.channel"] = "\(channel)"
        logger[metadataKey: "http.route"] = "\(route)"
        self.logger = logger
    }

    /// The delivery was refused before any message was claimed.
    func rejected(_ outcome: Outcome, status: HTTPResponse.Status, errorClass: String) {
        logger.warning(
            "webhook.rejected",
            metadata: [
                "webhook.outcome": "\(outcome.rawValue)", "http.status": "\(status.code)", "error.type": "\(errorClass)",
                "latency.ms": "\(LogRedaction.milliseconds(since: started))",
            ])
        services.metrics.webhookDelivery(channel: channel, outcome: outcome)
        record(outcome, status: status.code, errorClass: errorClass, messages: 0)
    }

    /// One message of the delivery was claimed (or found to be a redelivery).
    mutating func message(_ outcome: AcceptOutcome, pseudonym: Pseudonym) {
        let counted: Outcome = outcome == .duplicate ? .duplicate : .accepted
        if counted == .duplicate { duplicates += 1 } else { accepted += 1 }
        services.metrics.webhookDelivery(channel: channel, outcome: counted)
        logger.info(
            "webhook.message", metadata: ["webhook.outcome": "\(counted.rawValue)", "user.pseudonym": "\(pseudonym.logged)"])
    }

    /// The delivery was acknowledged. Without messages it counts as `status` (delivery reports
    /// only) or `ignored`; with messages, each was counted already.
    func handled(statuses: Int = 0, ignored: Int = 0) {
        let messages = accepted + duplicates
        let outcome: Outcome =
            messages > 0 ? (accepted > 0 ? .accepted : .duplicate) : (statuses > 0 ? .status : .ignored)
        if messages == 0 { services.metrics.webhookDelivery(channel: channel, outcome: outcome) }
        logger.info(
            "webhook.handled",
            metadata: [
                "webhook.outcome": "\(outcome.rawValue)", "webhook.messages": "\(messages)", "webhook.statuses": "\(statuses)",
                "webhook.ignored": "\(ignored)", "http.status": "200",
                "latency.ms": "\(LogRedaction.milliseconds(since: started))",
            ])
        record(outcome, status: 200, errorClass: nil, messages: messages)
    }

    /// The store failed part-way: answered 500, so the messenger delivers again and the
    /// messages claimed before the failure are recognised as duplicates then.
    func failed(_ error: any Error) {
        logger.error(
            "webhook.failed",
            metadata: [
                "webhook.outcome": "failed", "http.status": "500", "error.type": "\(type(of: error))",
                "latency.ms": "\(LogRedaction.milliseconds(since: started))",
            ])
        services.metrics.webhookDelivery(channel: channel, outcome: .failed)
        record(.failed, status: 500, errorClass: "store", messages: accepted + duplicates)
    }

    private func record(_ outcome: Outcome, status: Int, errorClass: String?, messages: Int) {
        services.deliveries.record(
            RecentDeliveries.Entry(
                time: Date(), channel: channel, outcome: outcome, status: status, latency: ContinuousClock.now - started,
                errorClass: errorClass, messages: messages))
    }
}
