/// Guesses the language of a message from its script, letters only one language uses, and the
/// stopwords and keywords of each language it contains. A hint (the messenger's language
/// setting, or the conversation's language) decides when the text itself says little.
public struct LanguageDetector: Sendable {
    let matcher: Matcher

    public struct Guess: Sendable, Equatable {
        public var language: String
        public var score: Double
        /// Short, for explanations: "script and 2 words", "hint".
        public var reason: String
    }

    /// Languages the message could be in, most likely first. Empty only when there are no
    /// languages at all.
    public func detect(_ normalized: NormalizedText, hint: String?) -> [Guess] {
        let catalog = matcher.catalog
        let evidence = normalized.evidence
        let letters = evidence.latin + evidence.cyrillic + evidence.arabic + evidence.other
        var guesses: [Guess] = []
        for code in catalog.languageOrder {
            guard let index = matcher.indexes[code] else { continue }
            let script = Script.of(language: code)
            let inScript: Int
            switch script {
            case .latin: inScript = evidence.latin
            case .cyrillic: inScript = evidence.cyrillic
            case .arabic: inScript = evidence.arabic
            case .other, .none: inScript = evidence.other
            }
            // A language whose script is absent from a text with letters is out of the question.
            if letters > 0 && inScript == 0 { continue }
            var score = letters > 0 ? Double(inScript) / Double(letters) : 0
            var words = 0
            for position in normalized.tokens.indices {
                let token = normalized.token(at: position)
                if index.isStopword(token) {
                    score += 1
                    words += 1
                } else if index.containsTerm(token) {
                    score += 1.5
                    words += 1
                }
            }
            for (language, count) in evidence.distinctive {
                let sameScript = Script.of(language: language) == script
                guard sameScript else { continue }
                score += language == code ? 2 * Double(min(count, 3)) : -1.5 * Double(min(count, 3))
            }
            var reason = words > 0 ? "\(words) word\(words == 1 ? "" : "s")" : "script"
            if code == hint {
                score += 0.75
                reason += ", hint"
            }
            guesses.append(Guess(language: code, score: score, reason: reason))
        }
        if guesses.isEmpty, let hint, catalog.languages[hint] != nil {
            return [Guess(language: hint, score: 0, reason: "hint")]
        }
        if guesses.isEmpty {
            return [Guess(language: catalog.referenceLanguage, score: 0, reason: "default")]
        }
        // Stable: equal scores keep the menu order, so the reference language wins ties.
        return guesses.enumerated().sorted { ($0.element.score, -$0.offset) > ($1.element.score, -$1.offset) }.map(\.element)
    }
}
