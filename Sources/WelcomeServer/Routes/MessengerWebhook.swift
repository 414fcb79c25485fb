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
        let started = ContinuousClock.now
        var logger = logger
        logger[metadataKey: "webhook.channel"] = "\(adapter.channel.rawValue)"
        logger[metadataKey: "http.route"] = "\(path)"
        func milliseconds() -> String { LogRedaction.milliseconds(since: started) }
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
                metadata: ["webhook.outcome": "bad_signature", "http.status": "401", "latency.ms": "\(milliseconds())"])
            throw APIError(.unauthorized, "missing or wrong signature")
        }
        // 2. Decode.
        let decoded: DecodedWebhook
        do {
            decoded = try adapter.decode(webhook)
        } catch {
            logger.warning(
                "webhook.rejected",
                metadata: ["webhook.outcome": "malformed", "http.status": "400", "latency.ms": "\(milliseconds())"])
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
            let (outcome, pseudonym, inline) = try await Self.accept(message, adapter: adapter, services: services)
            if let inline { response = inline }
            logger.info(
                "webhook.message",
                metadata: [
                    "webhook.outcome": outcome == .duplicate ? "duplicate" : "accepted", "user.pseudonym": "\(pseudonym.logged)",
                ])
        }
        logger.info(
            "webhook.handled",
            metadata: [
                "webhook.outcome": decoded.messages.isEmpty ? (decoded.statuses.isEmpty ? "ignored" : "status") : "accepted",
                "webhook.messages": "\(decoded.messages.count)", "webhook.statuses": "\(decoded.statuses.count)",
                "webhook.ignored": "\(decoded.ignored.count)", "http.status": "200", "latency.ms": "\(milliseconds())",
            ])
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
        let assistant = services.assistant
        let outcome = try await services.store.accept(record) { previous in
            var state = previous ?? ConversationState()
            let (reply, forget) = assistant.reply(to: message, state: &state)
            if message.replyInResponse {
                inline.set(adapter.webhookResponse(reply, to: message))
                return Answered(state: state, calls: [], forget: forget)
            }
            let calls = adapter.render(reply, to: message.chatID).map { OutboundCall(method: $0.method, body: $0.body) }
            return Answered(state: state, calls: calls, forget: forget)
        }
        return (outcome, pseudonym, inline.value)
    }
}

/// The reply rendered inside the store's transaction, for the webhook response.
private final class InlineReply: Sendable {
    private let storage = Mutex<WebhookResponse?>(nil)

    func set(_ response: WebhookResponse) { storage.withLock { $0 = response } }

    var value: WebhookResponse? { storage.withLock { $0 } }
}

extension Assistant {
    /// The reply to a decoded message, whatever it holds (text too long for the matcher gets
    /// the menu rather than no answer), and whether the person confirmed "delete my data".
    func reply(to message: InboundMessage, state: inout ConversationState) -> (reply: Reply, forgetsPerson: Bool) {
        do {
            let answer = try respond(to: message.input, state: &state, hint: message.languageHint)
            return (answer.reply, answer.forgetsPerson)
        } catch {
            let language = state.language ?? message.languageHint ?? catalog.referenceLanguage
            let pack = catalog.languages[language] ?? catalog.languages[catalog.referenceLanguage]
            return (pack.map { composer.fallback(in: $0) } ?? Reply(text: "…"), false)
        }
    }
}
