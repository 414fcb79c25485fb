import Foundation
import HTTPTypes
import Hummingbird
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
        router.post("/webhooks/telegram") { request, _ -> Response in
            try await handle(request)
        }
    }

    func handle(_ request: Request) async throws -> Response {
        // 1. Verify before reading or parsing anything.
        guard verifier.isAuthentic(headerValue: request.headers[HTTPField.Name(TelegramVerifier.header)!]) else {
            throw APIError(.unauthorized, "missing or wrong secret token")
        }
        let buffer = try await JSONBody.read(request, limit: maximumBodyBytes)
        // 2. Decode.
        let decoded: DecodedWebhook
        do {
            decoded = try TelegramDecoder().decode(Data(buffer.readableBytesView))
        } catch {
            throw APIError(.badRequest, "not a Telegram update")
        }
        let messages = decoded.messages
        // Authentic but not for us: acknowledged, or Telegram would resend it.
        guard !messages.isEmpty else { return Response(status: .ok) }
        // 3–5. Claim, answer and enqueue, one durable transaction per message.
        do {
            try await Self.accept(messages, services: services)
        } catch is TelegramChatIDError {
            throw APIError(.badRequest, "not a Telegram chat id")
        }
        // 6. Acknowledge.
        return Response(status: .ok)
    }

    /// Steps 3–5 for decoded messages, shared by the webhook and long polling: each claimed,
    /// answered and its replies queued in one durable transaction.
    static func accept(_ messages: [InboundMessage], services: BotServices) async throws {
        for message in messages {
            guard let chatID = Int64(message.chatID) else { throw TelegramChatIDError() }
            let record = InboundRecord(
                channel: Channel.telegram.rawValue, providerMessageID: message.providerMessageID,
                pseudonym: services.pseudonymizer.pseudonym(channel: Channel.telegram.rawValue, userID: message.userID),
                chatID: message.chatID)
            let assistant = services.assistant
            _ = try await services.store.accept(record) { previous in
                answer(message, chatID: chatID, state: previous, assistant: assistant)
            }
        }
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
        let reply = assistant.reply(to: message, state: &state)
        for sendMessage in TelegramRenderer().render(reply, chatID: chatID) {
            calls.append(OutboundCall(method: "sendMessage", body: TelegramAPI.encode(sendMessage)))
        }
        return Answered(state: state, calls: calls)
    }
}

struct TelegramChatIDError: Error {}
