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
    let logger: Logger

    var path: String { "/webhooks/\(adapter.channel.rawValue)" }

    func register(on router: Router<some RequestContext>) {
        router.post(RouterPath(path)) { request, _ -> Response in
            try await handle(request)
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

    func handle(_ request: Request) async throws -> Response {
        let expected = adapter.webhookContentType.rawValue
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix(expected) else {
            throw APIError(.unsupportedMediaType, "send the body as \(expected)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the body is larger than \(maximumBodyBytes) bytes")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let webhook = WebhookRequest(body: Data(buffer.readableBytesView), headers: headers, uri: request.uri.description)
        // 1. Verify the exact bytes before parsing anything.
        guard adapter.isAuthentic(webhook) else {
            logger.warning(
                "webhook.rejected",
                metadata: ["webhook.channel": "\(adapter.channel.rawValue)", "webhook.outcome": "bad_signature"])
            throw APIError(.unauthorized, "missing or wrong signature")
        }
        // 2. Decode.
        let decoded: DecodedWebhook
        do {
            decoded = try adapter.decode(webhook)
        } catch {
            logger.warning(
                "webhook.rejected", metadata: ["webhook.channel": "\(adapter.channel.rawValue)", "webhook.outcome": "malformed"])
            throw APIError(.badRequest, "not a \(adapter.channel.rawValue) webhook")
        }
        // Statuses of sent messages: recorded against their outbox rows, never answered.
        for status in decoded.statuses {
            let state = DeliveryState(rawValue: status.state.rawValue) ?? .sent
            _ = try await services.store.recordDelivery(
                channel: status.channel.rawValue, providerMessageID: status.providerMessageID, state: state,
                error: status.error, at: Date())
        }
        // 3–5. Claim, answer and queue each message durably; 6. acknowledge.
        var response = adapter.acknowledgement
        for message in decoded.messages {
            if let inline = try await Self.accept(message, adapter: adapter, services: services) {
                response = inline
            }
        }
        return Response(
            status: .ok, headers: [.contentType: response.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    /// Claims, answers and queues one message in one durable transaction. Returns the webhook
    /// response body when the message is answered inside the response (Viber's welcome, TwiML),
    /// nil when its replies went to the outbox or it was a redelivery.
    static func accept(
        _ message: InboundMessage, adapter: any MessengerAdapter, services: BotServices
    ) async throws -> WebhookResponse? {
        let channel = message.channel.rawValue
        let record = InboundRecord(
            channel: channel, providerMessageID: message.providerMessageID,
            pseudonym: services.pseudonymizer.pseudonym(channel: channel, userID: message.userID),
            chatID: message.chatID)
        let inline = InlineReply()
        let assistant = services.assistant
        _ = try await services.store.accept(record) { previous in
            var state = previous ?? ConversationState()
            let reply = assistant.reply(to: message, state: &state)
            if message.replyInResponse {
                inline.set(adapter.webhookResponse(reply, to: message))
                return Answered(state: state, calls: [])
            }
            let calls = adapter.render(reply, to: message.chatID).map { OutboundCall(method: $0.method, body: $0.body) }
            return Answered(state: state, calls: calls)
        }
        return inline.value
    }
}

/// The reply rendered inside the store's transaction, for the webhook response.
private final class InlineReply: Sendable {
    private let storage = Mutex<WebhookResponse?>(nil)

    func set(_ response: WebhookResponse) { storage.withLock { $0 = response } }

    var value: WebhookResponse? { storage.withLock { $0 } }
}

extension Assistant {
    /// The reply to a decoded message, whatever it holds: text too long for the matcher gets
    /// the menu rather than no answer.
    func reply(to message: InboundMessage, state: inout ConversationState) -> Reply {
        do {
            return try respond(to: message.input, state: &state, hint: message.languageHint).reply
        } catch {
            let language = state.language ?? message.languageHint ?? catalog.referenceLanguage
            let pack = catalog.languages[language] ?? catalog.languages[catalog.referenceLanguage]
            return pack.map { composer.fallback(in: $0) } ?? Reply(text: "…")
        }
    }
}
