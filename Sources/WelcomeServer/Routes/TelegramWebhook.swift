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
        var report = DeliveryReport(channel: "telegram", route: "/webhooks/telegram", services: services, logger: logger)
        // 1. Verify before reading or parsing anything.
        guard verifier.isAuthentic(headerValue: request.headers[HTTPField.Name(TelegramVerifier.header)!]) else {
            report.rejected(.badSignature, status: .unauthorized, errorClass: "signature")
            throw APIError(.unauthorized, "missing or wrong secret token")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await JSONBody.read(request, limit: maximumBodyBytes)
        } catch let error as APIError {
            report.rejected(
                .malformed, status: error.status, errorClass: error.status == .contentTooLarge ? "too_large" : "content_type")
            throw error
        }
        // 2. Decode.
        let decoded: DecodedWebhook
        do {
            decoded = try TelegramDecoder().decode(Data(buffer.readableBytesView))
        } catch {
            report.rejected(.malformed, status: .badRequest, errorClass: "decode")
            throw APIError(.badRequest, "not a Telegram update")
        }
        // 3–5. Claim, answer and enqueue, one durable transaction per message. Authentic
        // updates with nothing to answer are acknowledged too, or Telegram would resend them.
        do {
            for (outcome, pseudonym) in try await Self.accept(decoded.messages, services: services) {
                report.message(outcome, pseudonym: pseudonym)
            }
        } catch is TelegramChatIDError {
            report.rejected(.malformed, status: .badRequest, errorClass: "decode")
            throw APIError(.badRequest, "not a Telegram chat id")
        } catch {
            report.failed(error)
            throw error
        }
        report.handled(ignored: decoded.ignored.count)
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
            let note = AnswerNote()
            let outcome = try await services.store.accept(record) { previous in
                answer(message, chatID: chatID, state: previous, assistant: assistant, services: services, note: note)
            }
            services.count(outcome, note)
            results.append((outcome, pseudonym))
        }
        return results
    }

    /// The calls that answer one message, and the conversation's new state.
    static func answer(
        _ message: InboundMessage, chatID: Int64, state previous: ConversationState?, assistant: Assistant,
        services: BotServices, note: AnswerNote
    ) -> Answered {
        var state = previous ?? ConversationState()
        var calls: [OutboundCall] = []
        if let callbackQueryID = message.callbackQueryID {
            // First, so the button stops spinning even if the answer takes a moment to go out.
            calls.append(OutboundCall(method: "answerCallbackQuery", body: TelegramAPI.answerCallbackQuery(callbackQueryID)))
        }
        let answer = services.answer(message.input, state: &state, hint: message.languageHint, assistant: assistant, note: note)
        for sendMessage in TelegramRenderer().render(answer.reply, chatID: chatID) {
            calls.append(OutboundCall(method: "sendMessage", body: TelegramAPI.encode(sendMessage)))
        }
        return Answered(
            state: state, calls: calls, forget: answer.forgetsPerson,
            unanswered: services.unansweredQuestion(message.input, answer: answer, channel: Channel.telegram.rawValue))
    }
}

struct TelegramChatIDError: Error {}
