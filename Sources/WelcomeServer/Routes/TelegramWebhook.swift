import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Messengers
import NIOCore
import Persistence
import WelcomeCore

/// `POST /webhooks/telegram`: verify, decode, claim and answer, enqueue, acknowledge — the
/// pipeline of the design, with the 2xx sent only after the claim and the replies are durable.
struct TelegramWebhook {
    let services: BotServices
    let verifier: TelegramVerifier
    let maximumBodyBytes: Int

    func register(on router: Router<some RequestContext>) {
        router.post("/webhooks/telegram") { request, context -> Response in
            try await handle(request, logger: context.logger)
        }
    }

    func handle(_ request: Request, logger: Logger = Logger(label: "welcomebot")) async throws -> Response {
        let started = ContinuousClock.now
        var logger = logger
        logger[metadataKey: "webhook.channel"] = "telegram"
        logger[metadataKey: "http.route"] = "/webhooks/telegram"
        func milliseconds() -> String { LogRedaction.milliseconds(since: started) }
        // 1. Verify before reading or parsing anything.
        guard verifier.isAuthentic(headerValue: request.headers[HTTPField.Name(TelegramVerifier.header)!]) else {
            logger.warning(
                "webhook.rejected",
                metadata: ["webhook.outcome": "bad_signature", "http.status": "401", "latency.ms": "\(milliseconds())"])
            throw APIError(.unauthorized, "missing or wrong secret token")
        }
        let buffer = try await JSONBody.read(request, limit: maximumBodyBytes)
        // 2. Decode.
        let decoded: DecodedWebhook
        do {
            decoded = try TelegramDecoder().decode(Data(buffer.readableBytesView))
        } catch {
            logger.warning(
                "webhook.rejected",
                metadata: ["webhook.outcome": "malformed", "http.status": "400", "latency.ms": "\(milliseconds())"])
            throw APIError(.badRequest, "not a Telegram update")
        }
        let messages = decoded.messages
        // Authentic but not for us: acknowledged, or Telegram would resend it.
        guard !messages.isEmpty else {
            logger.info(
                "webhook.handled",
                metadata: ["webhook.outcome": "ignored", "http.status": "200", "latency.ms": "\(milliseconds())"])
            return Response(status: .ok)
        }
        // 3–5. Claim, answer and enqueue, one durable transaction per message.
        do {
            for (outcome, pseudonym) in try await Self.accept(messages, services: services) {
                logger.info(
                    "webhook.message",
                    metadata: [
                        "webhook.outcome": outcome == .duplicate ? "duplicate" : "accepted",
                        "user.pseudonym": "\(pseudonym.logged)",
                    ])
            }
        } catch is TelegramChatIDError {
            throw APIError(.badRequest, "not a Telegram chat id")
        }
        logger.info(
            "webhook.handled",
            metadata: [
                "webhook.outcome": "accepted", "webhook.messages": "\(messages.count)", "http.status": "200",
                "latency.ms": "\(milliseconds())",
            ])
        // 6. Acknowledge.
        return Response(status: .ok)
    }

    /// Steps 3–5 for decoded messages, shared by the webhook and long polling: each claimed,
    /// answered and its replies queued in one durable transaction.
    @discardableResult
    static func accept(_ messages: [InboundMessage], services: BotServices) async throws -> [(AcceptOutcome, Pseudonym)] {
        var results: [(AcceptOutcome, Pseudonym)] = []
        for message in messages {
            guard let chatID = Int64(message.chatID) else { throw TelegramChatIDError() }
            let pseudonym = services.pseudonymizer.pseudonym(channel: Channel.telegram.rawValue, userID: message.userID)
            let record = InboundRecord(
                channel: Channel.telegram.rawValue, providerMessageID: message.providerMessageID, pseudonym: pseudonym,
                chatID: message.chatID)
            let assistant = services.assistant
            let outcome = try await services.store.accept(record) { previous in
                answer(message, chatID: chatID, state: previous, assistant: assistant)
            }
            results.append((outcome, pseudonym))
        }
        return results
    }

    /// Pure: the calls that answer one message, and the conversation's new state.
    static func answer(_ message: InboundMessage, chatID: Int64, state previous: ConversationState?, assistant: Assistant)
        -> Answered
    {
        var state = previous ?? ConversationState()
        var calls: [OutboundCall] = []
        if let callbackQueryID = message.callbackQueryID {
            // First, so the button stops spinning even if the answer takes a moment to go out.
            calls.append(OutboundCall(method: "answerCallbackQuery", body: TelegramAPI.answerCallbackQuery(callbackQueryID)))
        }
        let (reply, forget) = assistant.reply(to: message, state: &state)
        for sendMessage in TelegramRenderer().render(reply, chatID: chatID) {
            calls.append(OutboundCall(method: "sendMessage", body: TelegramAPI.encode(sendMessage)))
        }
        return Answered(state: state, calls: calls, forget: forget)
    }
}

struct TelegramChatIDError: Error {}
