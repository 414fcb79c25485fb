import Testing

@testable import WelcomeCore

@Suite("Conversations")
struct AssistantTests {
    let assistant = Assistant(catalog: shippedCatalog)

    @Test("a number picks a button, in Western, Arabic-Indic and Persian digits", arguments: ["2", "٢", "۲", " 2 "])
    func pickByNumber(digit: String) throws {
        var state = ConversationState(language: "de", languageChosen: true)
        let first = try assistant.respond(to: .text("/lang"), state: &state)
        #expect(first.reply.buttons.count == 7)
        let second = try assistant.respond(to: .text(digit), state: &state)
        // The language menu is in menu order: de, en, …
        #expect(second.language == "en")
        #expect(state.language == "en")
        #expect(state.languageChosen)
    }

    @Test("a number out of range is read as text")
    func numberOutOfRange() throws {
        var state = ConversationState(language: "de", languageChosen: true)
        _ = try assistant.respond(to: .text("/lang"), state: &state)
        let answer = try assistant.respond(to: .text("99"), state: &state)
        #expect(answer.outcome == .noMatch)
        #expect(state.language == "de")
    }

    @Test("a pressed intent button answers that intent in the conversation's language")
    func intentButton() throws {
        var state = ConversationState(language: "uk", languageChosen: true)
        let answer = try assistant.respond(to: .button("address"), state: &state)
        #expect(answer.intent == "address")
        #expect(answer.language == "uk")
        #expect(answer.reply.text.contains("Otto-Schill-Straße 2"))
    }

    @Test(
        "commands: /start greets, /help helps, /lang shows the menu, /lang ar switches",
        arguments: [
            ("/start", "greeting"), ("/help", "help"), ("/HELP@WelcomeBot", "help"), ("/lang", "language"),
        ])
    func commands(command: String, intent: String) throws {
        var state = ConversationState()
        let answer = try assistant.respond(to: .text(command), state: &state, hint: "en")
        #expect(answer.intent == intent)
        #expect(answer.language == "en")
    }

    @Test("/lang with a code switches at once")
    func langWithCode() throws {
        var state = ConversationState()
        let answer = try assistant.respond(to: .text("/lang ar"), state: &state)
        #expect(answer.language == "ar")
        #expect(state == ConversationState(language: "ar", languageChosen: true, choices: answer.reply.buttons))
    }

    @Test("a one-word greeting in another language never flips the conversation")
    func greetingDoesNotFlip() throws {
        for (language, greeting) in [("en", "hallo"), ("de", "hello"), ("de", "merhaba"), ("tr", "hi"), ("en", "salut")] {
            var state = ConversationState(language: language)
            let answer = try assistant.respond(to: .text(greeting), state: &state)
            #expect(answer.language == language, "\(greeting) in a \(language) conversation")
            #expect(state.language == language)
        }
    }

    @Test("a detected language follows clear evidence, a chosen one stays")
    func switching() throws {
        var detected = ConversationState(language: "de")
        _ = try assistant.respond(to: .text("where can I register my address"), state: &detected)
        #expect(detected.language == "en")

        var chosen = ConversationState(language: "de", languageChosen: true)
        let answer = try assistant.respond(to: .text("where can I register my address"), state: &chosen)
        #expect(answer.language == "de")
        #expect(chosen.language == "de")
    }

    @Test("text in another script is answered in that script's language, keeping a chosen language")
    func otherScript() throws {
        var state = ConversationState(language: "de", languageChosen: true)
        let answer = try assistant.respond(to: .text("أين مكتب الأجانب"), state: &state)
        #expect(answer.language == "ar")
        #expect(state.language == "de")
    }

    @Test("the messenger's language hint is used before anything else is known")
    func hintFirst() throws {
        var state = ConversationState()
        let answer = try assistant.respond(to: .text("ok"), state: &state, hint: "fa")
        #expect(answer.language == "fa")
    }

    @Test("oversized text is refused with a clear error and leaves the state alone")
    func tooLong() {
        var state = ConversationState(language: "de")
        let text = String(repeating: "a", count: Assistant.maximumMessageLength + 1)
        #expect(
            throws: AssistantError.messageTooLong(
                characters: Assistant.maximumMessageLength + 1, limit: Assistant.maximumMessageLength)
        ) {
            try assistant.respond(to: .text(text), state: &state)
        }
        #expect(state == ConversationState(language: "de"))
    }

    @Test("an unknown language is refused, naming the available ones")
    func unknownLanguage() {
        #expect(throws: AssistantError.unknownLanguage("xx", available: ["de", "en", "ar", "uk", "ru", "fa", "tr"])) {
            try assistant.validateLanguage("xx")
        }
        #expect("\(AssistantError.unknownLanguage("xx", available: ["de", "en"]))" == "unknown language 'xx'; available: de, en")
    }

    @Test("no match gives the fallback text and the menu as buttons")
    func fallback() throws {
        var state = ConversationState(language: "en", languageChosen: true)
        let answer = try assistant.respond(to: .text("who won the football match yesterday"), state: &state)
        #expect(answer.intent == nil)
        let pack = try #require(shippedCatalog.languages["en"])
        #expect(answer.reply.text == pack.texts.fallback)
        #expect(answer.reply.buttons.map(\.value) == pack.menu)
    }
}
