import Foundation
import HTTPTypes
import Logging
import Messengers
import OutboundHTTP
import ServiceLifecycle

/// Long polling (`getUpdates`), for a bot without a public HTTPS address: asks Telegram for
/// updates, puts each through the same pipeline as the webhook, and confirms them (by asking
/// from the next offset) only after they are durable. A crash in between means Telegram sends
/// them again, and the claims make that harmless.
public final class TelegramPoller: Service, Sendable {
    private let api: TelegramAPI
    private let http: any HTTPTransport
    private let services: BotServices
    private let logger: Logger
    /// Telegram holds a long poll open at most 50 s; 25 s keeps proxies from cutting it.
    private let pollTimeout: Int
    private let backoff: Duration

    public init(
        api: TelegramAPI, http: any HTTPTransport, services: BotServices, pollTimeout: Int = 25,
        backoff: Duration = .seconds(3), logger: Logger = Logger(label: "welcomebot.telegram.poller")
    ) {
        self.api = api
        self.http = http
        self.services = services
        self.pollTimeout = pollTimeout
        self.backoff = backoff
        self.logger = logger
    }

    public func run() async throws {
        var offset: Int64?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let from = offset
                offset = try await cancelWhenGracefulShutdown { try await self.poll(from: from) }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("telegram.poll failed", metadata: ["error.type": "\(type(of: error))"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.backoff) }
            }
        }
    }

    /// One round: fetches, accepts and returns the next offset to ask from.
    func poll(from offset: Int64?) async throws -> Int64? {
        var parameters: [String: Any] = ["timeout": pollTimeout, "allowed_updates": ["message", "callback_query"]]
        if let offset { parameters["offset"] = offset }
        let body = try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys])
        let response = try await http.perform(
            OutgoingRequest(
                url: api.url("getUpdates"), headers: [("Content-Type", "application/json")], body: body,
                timeout: .seconds(pollTimeout + 10)))
        guard response.status == 200,
            let json = try JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let updates = json["result"] as? [[String: Any]]
        else {
            // 409 means a webhook is set (getUpdates and webhooks exclude each other).
            throw PollError(status: response.status)
        }
        var next = offset
        for update in updates {
            guard let id = (update["update_id"] as? NSNumber)?.int64Value else { continue }
            let data = try JSONSerialization.data(withJSONObject: update)
            try await handle(data)
            next = max(next ?? id + 1, id + 1)
        }
        return next
    }

    /// One update, reported like a webhook delivery (log line, metrics, the dashboard's
    /// list). An update that cannot be read is skipped, or it would block every later one; a
    /// store failure is thrown, and the update is fetched again.
    private func handle(_ data: Data) async throws {
        var report = DeliveryReport(channel: "telegram", route: "getUpdates", services: services, logger: logger)
        guard let decoded = try? TelegramDecoder().decode(data) else {
            report.rejected(.malformed, status: .badRequest, errorClass: "decode")
            return
        }
        do {
            for (outcome, pseudonym) in try await TelegramWebhook.accept(decoded.messages, services: services) {
                report.message(outcome, pseudonym: pseudonym)
            }
        } catch is TelegramChatIDError {
            report.rejected(.malformed, status: .badRequest, errorClass: "decode")
            return
        } catch {
            report.failed(error)
            throw error
        }
        report.handled(ignored: decoded.ignored.count)
    }

    struct PollError: Error {
        var status: Int
    }
}
