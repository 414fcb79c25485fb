import Foundation
import Hummingbird
import Persistence
import Synchronization
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
        router.post("/api/chat") { request, _ -> Response in
            let chat = try await JSONBody.decode(ChatRequest.self, from: request, limit: maximumBodyBytes)
            return try JSONBody.response(try await answer(chat))
        }
    }

    func answer(_ chat: ChatRequest) async throws -> ChatResponse {
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
        let result = Mutex<Answer?>(nil)
        _ = try await services.store.accept(record) { previous in
            var state = previous ?? ConversationState()
            if let language = chat.language, language != state.language || !state.languageChosen {
                state.language = language
                state.languageChosen = true
            }
            // The input was validated above; respond throws only for over-long text.
            let hint = chat.hint.flatMap { assistant.catalog.languages[$0] != nil ? $0 : nil }
            let answer = try? assistant.respond(to: input, state: &state, hint: hint)
            result.withLock { $0 = answer }
            return Answered(state: state, calls: [], forget: answer?.forgetsPerson ?? false)
        }
        guard let answer = result.withLock({ $0 }) else {
            throw APIError(.internalServerError, "the message could not be answered")
        }
        let direction = assistant.catalog.languages[answer.language]?.direction ?? .leftToRight
        return ChatResponse(
            language: answer.language, direction: direction.rawValue, intent: answer.intent,
            outcome: answer.outcome.rawValue, confidence: (answer.confidence * 1000).rounded() / 1000, reply: answer.reply)
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
