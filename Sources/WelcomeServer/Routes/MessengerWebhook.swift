import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Messengers
import NIOCore
import Persistence
import Synchronization
import WelcomeCore

/// `POST /webhooks/<channel>` for every messenger with a `MessengerAdapter`, and `GET` for the
/// messengers with a verification handshake. The pipeline of the design: verify the raw bytes,
/// decode, record delivery statuses, claim and answer each message and queue its replies in one
/// durable transaction, and only then acknowledge.
struct MessengerWebhook {
    let adapter: any MessengerAdapter
    let services: BotServices
    let maximumBodyBytes: Int

    var path: String { "/webhooks/\(adapter.channel.rawValue)" }

    func register(on router: Router<some RequestContext>) {
        router.post(RouterPath(path)) { request, context -> Response in
            try await handle(request, logger: context.logger)
        }
        router.get(RouterPath(path)) { request, _ -> Response in
            try handshake(request)
        }
    }

    /// Meta's subscription check: the challenge back, only with the right verify token.
    func handshake(_ request: Request) throws -> Response {
        let query = WebhookRequest(body: Data(), uri: request.uri.description).query
        switch adapter.handshake(query: query) {
        case .accept(let challenge)?:
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: challenge)))
        case .reject?:
            throw APIError(.forbidden, "wrong verify token")
        case nil:
            throw APIError(.methodNotAllowed, "this webhook takes POST only")
        }
    }

    /// - Parameter logger: the request's logger, which carries its request id.
    func handle(_ request: Request, logger: Logger) async throws -> Response {
        var report = DeliveryReport(channel: adapter.channel.rawValue, route: path, services: services, logger: logger)
        let expected = adapter.webhookContentType.rawValue
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix(expected) else {
            report.rejected(.malformed, status: .unsupportedMediaType, errorClass: "content_type")
            throw APIError(.unsupportedMediaType, "send the body as \(expected)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            report.rejected(.malformed, status: .contentTooLarge, errorClass: "too_large")
            throw APIError(.contentTooLarge, "the body is larger than \(maximumBodyBytes) bytes")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let webhook = WebhookRequest(body: Data(buffer.readableBytesView), headers: headers, uri: request.uri.description)
        // 1. Verify the exact bytes before parsing anything.
        guard adapter.isAuthentic(webhook) else {
            report.rejected(.badSignature, status: .unauthorized, errorClass: "signature")
            throw APIError(.unauthorized, "missing or wrong signature")
        }
        // 2. Decode.
        let decoded: DecodedWebhook
        do {
            decoded = try adapter.decode(webhook)
        } catch {
            report.rejected(.malformed, status: .badRequest, errorClass: "decode")
            throw APIError(.badRequest, "not a \(adapter.channel.rawValue) webhook")
        }
        var response = adapter.acknowledgement
        do {
            // Statuses of sent messages: recorded against their outbox rows, never answered.
            for status in decoded.statuses {
                let state = DeliveryState(rawValue: status.state.rawValue) ?? .sent
                _ = try await services.store.recordDelivery(
                    channel: status.channel.rawValue, providerMessageID: status.providerMessageID, state: state,
                    error: status.error, at: Date())
            }
            // 3–5. Claim, answer and queue each message durably; 6. acknowledge.
            for message in decoded.messages {
                let (outcome, pseudonym, inline) = try await Self.accept(message, adapter: adapter, services: services)
                if let inline { response = inline }
                report.message(outcome, pseudonym: pseudonym)
            }
        } catch {
            report.failed(error)
            throw error
        }
        report.handled(statuses: decoded.statuses.count, ignored: decoded.ignored.count)
        return Response(
            status: .ok, headers: [.contentType: response.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    /// Claims, answers and queues one message in one durable transaction. Returns the webhook
    /// response body when the message is answered inside the response (Viber's welcome, TwiML),
    /// nil when its replies went to the outbox or it was a redelivery.
    static func accept(
        _ message: InboundMessage, adapter: any MessengerAdapter, services: BotServices
    ) async throws -> (AcceptOutcome, Pseudonym, WebhookResponse?) {
        let channel = message.channel.rawValue
        let pseudonym = services.pseudonymizer.pseudonym(channel: channel, userID: message.userID)
        let record = InboundRecord(
            channel: channel, providerMessageID: message.providerMessageID, pseudonym: pseudonym, chatID: message.chatID)
        let inline = InlineReply()
        let note = AnswerNote()
        let assistant = services.assistant
        let outcome = try await services.store.accept(record) { previous in
            var state = previous ?? ConversationState()
            let answer = services.answer(
                message.input, state: &state, hint: message.languageHint, assistant: assistant, note: note)
            let question = services.unansweredQuestion(message.input, answer: answer, channel: channel)
            if message.replyInResponse {
                inline.set(adapter.webhookResponse(answer.reply, to: message))
                return Answered(state: state, calls: [], forget: answer.forgetsPerson, unanswered: question)
            }
            let calls = adapter.render(answer.reply, to: message.chatID).map { OutboundCall(method: $0.method, body: $0.body) }
            return Answered(state: state, calls: calls, forget: answer.forgetsPerson, unanswered: question)
        }
        services.count(outcome, note)
        // The store may have answered ahead of its transaction: only a message it accepted has
        // its reply in the response.
        guard case .accepted = outcome else { return (outcome, pseudonym, nil) }
        return (outcome, pseudonym, inline.value)
    }
}

/// The reply rendered inside the store's transaction, for the webhook response.
private final class InlineReply: Sendable {
    private let storage = Mutex<WebhookResponse?>(nil)

    func set(_ response: WebhookResponse) { storage.withLock { $0 = response } }

    var value: WebhookResponse? { storage.withLock { $0 } }
}
