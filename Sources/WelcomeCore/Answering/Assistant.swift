import Foundation

/// What a conversation remembers between messages. Small on purpose: no text, no names.
public struct ConversationState: Sendable, Codable, Equatable {
    /// The language of the conversation, once known.
    public var language: String?
    /// True when the person chose the language (menu, button, command); then it never changes by itself.
    public var languageChosen: Bool
    /// The buttons of the last reply, so that "2" (or "٢", "۲") picks the second.
    public var choices: [Button]

    public init(language: String? = nil, languageChosen: Bool = false, choices: [Button] = []) {
        self.language = language
        self.languageChosen = languageChosen
        self.choices = choices
    }
}

/// What arrives from a person.
public enum Input: Sendable, Equatable {
    /// Typed text, including commands such as `/start`.
    case text(String)
    /// A pressed button's payload: an intent id or `lang.CODE`.
    case button(String)
}

/// The bot's answer to one input.
public struct Answer: Sendable {
    public var language: String
    public var intent: String?
    public var outcome: Matcher.Outcome
    public var confidence: Double
    public var reply: Reply
    public var candidates: [Matcher.Candidate]
    public var explanation: Matcher.Explanation?
    /// The person confirmed "delete my data": the server erases everything it keeps about them
    /// in the same transaction as this reply.
    public var forgetsPerson = false
}

public enum AssistantError: Error, Sendable, Equatable, CustomStringConvertible {
    case messageTooLong(characters: Int, limit: Int)
    case unknownLanguage(String, available: [String])

    public var description: String {
        switch self {
        case .messageTooLong(let characters, let limit):
            "the message has \(characters) characters; at most \(limit) are accepted"
        case .unknownLanguage(let code, let available):
            "unknown language '\(code)'; available: \(available.joined(separator: ", "))"
        }
    }
}

/// Step 4 of the pipeline: an input and the conversation state in, a reply out. Pure: no I/O,
/// so every channel, the command line and the tests share it.
public struct Assistant: Sendable {
    public let matcher: Matcher
    public let composer: ReplyComposer

    /// Longer messages are refused before any work; no messenger sends more in one message.
    public static let maximumMessageLength = 4096

    public init(catalog: IntentCatalog, settings: Matcher.Settings = Matcher.Settings()) {
        self.matcher = Matcher(catalog: catalog, settings: settings)
        self.composer = ReplyComposer(catalog: catalog)
    }

    public var catalog: IntentCatalog { matcher.catalog }

    /// Checks a language code against the catalog.
    public func validateLanguage(_ code: String) throws(AssistantError) {
        guard catalog.languages[code] != nil else {
            throw .unknownLanguage(code, available: catalog.languageOrder)
        }
    }

    /// Answers one input and updates the conversation state.
    /// - Parameter hint: the messenger's language setting, used until the text or a choice says more.
    public func respond(
        to input: Input, state: inout ConversationState, hint: String? = nil, explain: Bool = false
    ) throws(AssistantError) -> Answer {
        switch input {
        case .button(let payload):
            return press(payload, state: &state, hint: hint)
        case .text(let text):
            let length = text.count
            guard length <= Self.maximumMessageLength else {
                throw .messageTooLong(characters: length, limit: Self.maximumMessageLength)
            }
            if let choice = pickedChoice(text, state: state) {
                return press(choice.payload, state: &state, hint: hint)
            }
            if let answer = command(text, state: &state, hint: hint) { return answer }
            return understand(text, state: &state, hint: hint, explain: explain)
        }
    }

    // MARK: Text

    private func understand(_ text: String, state: inout ConversationState, hint: String?, explain: Bool) -> Answer {
        let normalized = Normalizer.shared.normalize(text)
        let language = chooseLanguage(for: normalized, state: state, hint: hint)
        let result = matcher.match(normalized, language: language.code, explain: explain, why: language.reason)
        guard let pack = catalog.languages[language.code] else {
            // Unreachable with a loaded catalog: chooseLanguage only returns loaded languages.
            return Answer(
                language: language.code, intent: nil, outcome: .noMatch, confidence: 0, reply: Reply(text: ""),
                candidates: [], explanation: nil)
        }
        let reply: Reply
        switch result.outcome {
        case .matched:
            reply = composer.answer(pack.intent(result.intent!)!, in: pack)
        case .ambiguous:
            reply = composer.didYouMean(result.candidates.prefix(2).map(\.intent), in: pack)
        case .noMatch:
            reply = composer.fallback(in: pack)
        }
        if language.sticky { state.language = language.code }
        state.choices = reply.buttons
        return Answer(
            language: language.code, intent: result.intent, outcome: result.outcome, confidence: result.confidence,
            reply: reply, candidates: result.candidates, explanation: result.explanation)
    }

    struct LanguageChoice {
        var code: String
        var reason: String
        /// False when this message is answered in another language than the conversation's
        /// without changing it (a chosen language stays chosen).
        var sticky: Bool
    }

    /// The conversation rules for language: a choice is kept; a detected language changes only
    /// on clear evidence (another script, or at least two words of the new language and none of
    /// the old), so that a one-word greeting never flips it.
    func chooseLanguage(for normalized: NormalizedText, state: ConversationState, hint: String?) -> LanguageChoice {
        let current = state.language.flatMap { catalog.languages[$0] != nil ? $0 : nil }
        let guesses = LanguageDetector(matcher: matcher).detect(normalized, hint: current ?? hint)
        guard let best = guesses.first else {
            return LanguageChoice(code: current ?? catalog.referenceLanguage, reason: "default", sticky: false)
        }
        guard let current else {
            // A word or two says little (many type "ok" or "salam" in Latin letters whatever
            // their language): the messenger's language setting knows better.
            if let hint, catalog.languages[hint] != nil, hint != best.language,
                evidenceWords(normalized, language: best.language) < 2
            {
                return LanguageChoice(code: hint, reason: "hint", sticky: true)
            }
            return LanguageChoice(code: best.language, reason: best.reason, sticky: true)
        }
        if best.language == current {
            return LanguageChoice(code: current, reason: state.languageChosen ? "chosen" : best.reason, sticky: false)
        }
        let script = normalized.evidence.dominantScript
        let otherScript = script != .none && script != Script.of(language: current)
        let words = evidenceWords(normalized, language: best.language)
        let wordsOfCurrent = evidenceWords(normalized, language: current)
        // A sentence in another script (two words or more of a language written in it) is answered
        // in that language; a single word like "hallo" or "ok" is not enough.
        if otherScript && words >= 2 {
            // Someone who chose German but writes Arabic gets Arabic for this message; only a
            // language they did not choose follows them.
            return LanguageChoice(code: best.language, reason: "script", sticky: !state.languageChosen)
        }
        if !state.languageChosen && words >= 2 && wordsOfCurrent == 0 {
            return LanguageChoice(code: best.language, reason: "\(words) words", sticky: true)
        }
        return LanguageChoice(code: current, reason: state.languageChosen ? "chosen" : "kept", sticky: false)
    }

    private func evidenceWords(_ normalized: NormalizedText, language: String) -> Int {
        guard let index = matcher.indexes[language] else { return 0 }
        return normalized.tokens.indices.reduce(0) { count, position in
            let token = normalized.token(at: position)
            return count + (index.isStopword(token) || index.containsTerm(token) ? 1 : 0)
        }
    }

    // MARK: Buttons, numbers and commands

    /// "2", "٢" or "۲" after a reply with buttons picks the second button.
    private func pickedChoice(_ text: String, state: ConversationState) -> Button? {
        guard !state.choices.isEmpty else { return nil }
        let tokens = Normalizer.shared.tokens(text)
        guard tokens.count == 1, let number = Int(tokens[0]), number >= 1, number <= state.choices.count else {
            return nil
        }
        let choice = state.choices[number - 1]
        return choice.kind == .link ? nil : choice
    }

    private func press(_ payload: String, state: inout ConversationState, hint: String?) -> Answer {
        let language =
            state.language.flatMap { catalog.languages[$0] != nil ? $0 : nil }
            ?? hint.flatMap { catalog.languages[$0] != nil ? $0 : nil } ?? catalog.referenceLanguage
        if payload == ReplyComposer.deletePayload, let pack = catalog.languages[language] {
            return deletionQuestion(in: pack, state: &state)
        }
        if payload == ReplyComposer.deleteConfirmedPayload, let pack = catalog.languages[language] {
            // Nothing of the conversation is kept, not even the language: the next message
            // starts afresh.
            state = ConversationState()
            var answer = Answer(
                language: pack.code, intent: ReplyComposer.privacyIntent, outcome: .matched, confidence: 1,
                reply: Reply(text: pack.texts.deleted), candidates: [], explanation: nil)
            answer.forgetsPerson = true
            return answer
        }
        switch ButtonTarget(parsing: payload) {
        case .language(let code) where catalog.languages[code] != nil:
            state.language = code
            state.languageChosen = true
            return welcome(in: code, state: &state)
        case .intent(let id):
            if let pack = catalog.languages[language], let intent = pack.intent(id) {
                return answer(intent, in: pack, state: &state)
            }
            return fallback(in: language, state: &state)
        default:
            return fallback(in: language, state: &state)
        }
    }

    /// `/start`, `/help`, `/lang` (optionally `/lang ar`), in any case, with a bot name suffix
    /// as Telegram sends in groups (`/help@WelcomeBot`).
    private func command(_ text: String, state: inout ConversationState, hint: String?) -> Answer? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("/") else { return nil }
        let parts = trimmed.dropFirst().split(separator: " ", maxSplits: 1)
        guard let head = parts.first else { return nil }
        let name = head.split(separator: "@").first.map { $0.lowercased() } ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces).lowercased() : nil
        let language =
            state.language.flatMap { catalog.languages[$0] != nil ? $0 : nil }
            ?? hint.flatMap { catalog.languages[$0] != nil ? $0 : nil } ?? catalog.referenceLanguage
        switch name {
        case "start":
            if state.language == nil { state.language = language }
            return welcome(in: language, state: &state)
        case "help":
            if let pack = catalog.languages[language], let intent = pack.intent("help") {
                return answer(intent, in: pack, state: &state)
            }
            return fallback(in: language, state: &state)
        case "delete", "forget", "loeschen", "löschen":
            guard let pack = catalog.languages[language] else { return nil }
            return deletionQuestion(in: pack, state: &state)
        case "lang", "language", "sprache":
            if let argument, catalog.languages[argument] != nil {
                return press("lang.\(argument)", state: &state, hint: hint)
            }
            guard let pack = catalog.languages[language] else { return nil }
            let reply = composer.languageMenu(in: pack)
            state.choices = reply.buttons
            return Answer(
                language: language, intent: "language", outcome: .matched, confidence: 1, reply: reply, candidates: [],
                explanation: nil)
        default:
            return nil
        }
    }

    private func welcome(in code: String, state: inout ConversationState) -> Answer {
        if let pack = catalog.languages[code], let intent = pack.intent("greeting") {
            return answer(intent, in: pack, state: &state)
        }
        return fallback(in: code, state: &state)
    }

    private func answer(_ intent: Intent, in pack: LanguagePack, state: inout ConversationState) -> Answer {
        let reply = composer.answer(intent, in: pack)
        state.choices = reply.buttons
        return Answer(
            language: pack.code, intent: intent.id, outcome: .matched, confidence: 1, reply: reply, candidates: [],
            explanation: nil)
    }

    private func deletionQuestion(in pack: LanguagePack, state: inout ConversationState) -> Answer {
        let reply = composer.deletionQuestion(in: pack)
        state.choices = reply.buttons
        return Answer(
            language: pack.code, intent: ReplyComposer.privacyIntent, outcome: .matched, confidence: 1, reply: reply,
            candidates: [], explanation: nil)
    }

    /// The menu, in the conversation's language (else `hint`'s, else the reference language):
    /// the answer to what cannot be answered otherwise, such as text longer than the matcher takes.
    public func fallback(state: inout ConversationState, hint: String?) -> Answer {
        let language =
            state.language.flatMap { catalog.languages[$0] != nil ? $0 : nil }
            ?? hint.flatMap { catalog.languages[$0] != nil ? $0 : nil } ?? catalog.referenceLanguage
        return fallback(in: language, state: &state)
    }

    private func fallback(in code: String, state: inout ConversationState) -> Answer {
        guard let pack = catalog.languages[code] else {
            return Answer(
                language: code, intent: nil, outcome: .noMatch, confidence: 0, reply: Reply(text: ""), candidates: [],
                explanation: nil)
        }
        let reply = composer.fallback(in: pack)
        state.choices = reply.buttons
        return Answer(
            language: code, intent: nil, outcome: .noMatch, confidence: 0, reply: reply, candidates: [], explanation: nil)
    }
}
