import Foundation
import Hummingbird
import Logging
import Persistence
import WelcomeCore

/// `POST /api/chat`: the web chat's channel. Answers synchronously, with the same JSON shape as
/// `welcomebot ask --json`. The session id is pseudonymised like any messenger user id, and the
/// conversation state goes through the same durable store.
struct ChatAPI {
    let services: BotServices
    let maximumBodyBytes: Int

    struct ChatRequest: Decodable {
        /// Chosen by the page, random, kept in the browser's session storage.
        var session: String
        var text: String?
        /// A pressed button's payload (`address`, `lang.ar`).
        var button: String?
        /// The language the person picked in the page's menu.
        var language: String?
        /// The browser's language (`navigator.language`), used until the text or a choice says more.
        var hint: String?
    }

    struct ChatResponse: Encodable {
        var language: String
        var direction: String
        var intent: String?
        var outcome: String
        var confidence: Double
        var reply: Reply

        enum CodingKeys: String, CodingKey {
            case language, direction, intent, outcome, confidence, reply
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(language, forKey: .language)
            try container.encode(direction, forKey: .direction)
            try container.encode(intent, forKey: .intent)  // null when nothing matched, never left out
            try container.encode(outcome, forKey: .outcome)
            try container.encode(confidence, forKey: .confidence)
            try container.encode(reply, forKey: .reply)
        }
    }

    func register(on router: Router<some RequestContext>) {
        router.post("/api/chat") { request, context -> Response in
            let started = ContinuousClock.now
            var logger = context.logger
            logger[metadataKey: "http.route"] = "/api/chat"
            do {
                let chat = try await JSONBody.decode(ChatRequest.self, from: request, limit: maximumBodyBytes)
                let (response, pseudonym) = try await answer(chat)
                // What operators need to follow the web chat, as for any channel: never the text.
                logger.info(
                    "chat.answered",
                    metadata: [
                        "http.status": "200", "answer.outcome": "\(response.outcome)", "answer.language": "\(response.language)",
                        "answer.intent": "\(response.intent ?? "")", "user.pseudonym": "\(pseudonym.logged)",
                        "latency.ms": "\(LogRedaction.milliseconds(since: started))",
                    ])
                return try JSONBody.response(response)
            } catch let error as APIError {
                logger.notice(
                    "chat.rejected",
                    metadata: [
                        "http.status": "\(error.status.code)", "error.type": "\(error.kind)",
                        "latency.ms": "\(LogRedaction.milliseconds(since: started))",
                    ])
                throw error
            }
        }
    }

    func answer(_ chat: ChatRequest) async throws -> (ChatResponse, Pseudonym) {
        guard (8...128).contains(chat.session.utf8.count),
            chat.session.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            throw APIError(.badRequest, "session must be 8–128 characters of letters, digits, '-' and '_'")
        }
        let assistant = services.assistant
        let input: Input
        if let button = chat.button, !button.isEmpty {
            input = .button(button)
        } else if let text = chat.text {
            guard text.count <= Assistant.maximumMessageLength else {
                throw APIError(.contentTooLarge, "the text is longer than \(Assistant.maximumMessageLength) characters")
            }
            input = .text(text)
        } else {
            throw APIError(.badRequest, "send 'text' or 'button'")
        }
        if let language = chat.language, assistant.catalog.languages[language] == nil {
            throw APIError(
                .badRequest,
                "unknown language '\(language)'; available: \(assistant.catalog.languageOrder.joined(separator: ", "))")
        }
        let pseudonym = services.pseudonymizer.pseudonym(channel: "web", userID: chat.session)
        let record = InboundRecord(channel: "web", providerMessageID: UUID().uuidString, pseudonym: pseudonym, chatID: "")
        let note = AnswerNote()
        let outcome = try await services.store.accept(record) { previous in
            var state = previous ?? ConversationState()
            if let language = chat.language, language != state.language || !state.languageChosen {
                state.language = language
                state.languageChosen = true
            }
            // The input was validated above; respond throws only for over-long text.
            let hint = chat.hint.flatMap { assistant.catalog.languages[$0] != nil ? $0 : nil }
            let answer = services.answer(input, state: &state, hint: hint, assistant: assistant, note: note)
            return Answered(
                state: state, calls: [], forget: answer.forgetsPerson,
                unanswered: services.unansweredQuestion(input, answer: answer, channel: "web"))
        }
        services.count(outcome, note)
        guard let answer = note.value else {
            throw APIError(.internalServerError, "the message could not be answered")
        }
        let direction = assistant.catalog.languages[answer.language]?.direction ?? .leftToRight
        let response = ChatResponse(
            language: answer.language, direction: direction.rawValue, intent: answer.intent,
            outcome: answer.outcome.rawValue, confidence: (answer.confidence * 1000).rounded() / 1000, reply: answer.reply)
        return (response, pseudonym)
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
