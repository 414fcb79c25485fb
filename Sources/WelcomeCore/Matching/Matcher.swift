import Foundation

/// Finds the intent a message is about, in one language or after detecting the language, and
/// says why. Built once per catalog; matching is pure and safe to call from any thread.
public struct Matcher: Sendable {
    public let catalog: IntentCatalog
    public let indexes: [String: KeywordIndex]
    public var settings: Settings

    public struct Settings: Sendable {
        /// Below this confidence the bot says it did not understand and shows the menu.
        public var threshold: Double = 0.45
        /// When the runner-up reaches this share of the best score, the bot asks which was meant.
        public var ambiguityRatio: Double = 0.85
        /// Above this confidence the best intent wins even when another is close.
        public var certain: Double = 0.92

        public init() {}
    }

    public init(catalog: IntentCatalog, settings: Settings = Settings()) {
        self.catalog = catalog
        self.settings = settings
        var indexes: [String: KeywordIndex] = [:]
        for (code, pack) in catalog.languages {
            indexes[code] = KeywordIndex(pack: pack)
        }
        self.indexes = indexes
    }

    // MARK: Results

    public enum Outcome: String, Sendable, Codable {
        /// One intent is clearly meant.
        case matched
        /// Two intents are close: ask which one.
        case ambiguous
        /// Nothing is close enough: say so and show the menu.
        case noMatch = "no-match"
    }

    public struct Candidate: Sendable, Codable, Equatable {
        public var intent: String
        public var score: Double
        public var confidence: Double
    }

    /// Which word of the message matched which keyword, and how.
    public struct WordMatch: Sendable, Codable, Equatable {
        public var word: String
        public var keyword: String
        public var intent: String
        public var kind: KeywordIndex.MatchKind
        public var excludes: Bool
    }

    public struct Explanation: Sendable, Codable, Equatable {
        /// The message as normalised words.
        public var words: [String]
        /// The words ignored for confidence.
        public var stopwords: [String]
        public var matches: [WordMatch]
        /// Why this language was used.
        public var language: String

        /// A readable summary for staff: "matched `offen` ~ `offen` (exact) → opening-hours".
        public var summary: String { summary(in: .english) }

        /// The summary in the staff's language.
        public func summary(in staff: StaffLanguage) -> String {
            let german = staff == .german
            var lines = [
                "\(german ? "Sprache" : "language"): \(german ? Self.germanReasons(language) : language)",
                "\(german ? "Wörter" : "words"): \(words.joined(separator: " "))",
            ]
            if !stopwords.isEmpty { lines.append("\(german ? "ignoriert" : "ignored"): \(stopwords.joined(separator: " "))") }
            if matches.isEmpty { lines.append(german ? "kein Schlüsselwort passt" : "no keyword matched") }
            for match in matches {
                let verb = german ? (match.excludes ? "ausgeschlossen" : "passt") : (match.excludes ? "excluded" : "matched")
                let kind = german ? match.kind.german : match.kind.rawValue
                lines.append("\(verb) '\(match.word)' ~ '\(match.keyword)' (\(kind)) → \(match.intent)")
            }
            return lines.joined(separator: "\n")
        }

        /// "de (2 words, hint)" in German: the reasons are the few words the detector and the
        /// assistant write.
        static func germanReasons(_ language: String) -> String {
            var text = language
            for (english, german) in [
                (/(\d+) words?/, "Wörter"), (/\b(chosen)\b/, "gewählt"), (/\b(default)\b/, "Vorgabe"),
                (/\b(hint)\b/, "Hinweis"), (/\b(script)\b/, "Schrift"), (/\b(kept)\b/, "beibehalten"),
            ] {
                text.replace(english) { match in
                    match.output.1.allSatisfy(\.isNumber)
                        ? "\(match.output.1) \(match.output.1 == "1" ? "Wort" : german)" : Substring(german)
                }
            }
            return text
        }
    }

    public struct Result: Sendable {
        public var language: String
        public var outcome: Outcome
        /// The intent to answer, when `outcome` is `.matched`.
        public var intent: String?
        /// The confidence of the best candidate, 0–1.
        public var confidence: Double
        /// The best candidates, best first (at most three).
        public var candidates: [Candidate]
        public var explanation: Explanation?
    }

    // MARK: Matching

    /// Matches in a given language.
    public func match(_ text: String, language: String, explain: Bool = false) -> Result {
        let normalized = Normalizer.shared.normalize(text)
        return match(normalized, language: language, explain: explain, why: "chosen")
    }

    /// Detects the language (using `hint`, such as the messenger's language setting, when the
    /// text says little), then matches.
    public func match(_ text: String, hint: String? = nil, explain: Bool = false) -> Result {
        let normalized = Normalizer.shared.normalize(text)
        let guesses = LanguageDetector(matcher: self).detect(normalized, hint: hint)
        // Try the close contenders and keep the one that understood the message best.
        var best: Result?
        for guess in guesses.prefix(3) where guess.score >= (guesses.first?.score ?? 0) - 1.5 {
            let result = match(normalized, language: guess.language, explain: explain, why: guess.reason)
            if best == nil || result.confidence > best!.confidence + 0.05 { best = result }
        }
        return best ?? match(normalized, language: catalog.referenceLanguage, explain: explain, why: "default")
    }

    func match(_ normalized: NormalizedText, language: String, explain: Bool, why: String) -> Result {
        guard let index = indexes[language] else {
            return Result(language: language, outcome: .noMatch, intent: nil, confidence: 0, candidates: [], explanation: nil)
        }
        var slotHits: [SlotHit] = []
        var termHits: [KeywordIndex.TermHit] = []
        var contentWords = 0
        var isStopword = [Bool](repeating: false, count: normalized.tokens.count)
        for position in normalized.tokens.indices {
            let token = normalized.token(at: position)
            termHits.removeAll(keepingCapacity: true)
            // Arabic script attaches "و" (and) to the next word. Stripping it always would break
            // words that begin with it (وظيفة), so it is tried only when the whole word finds nothing.
            let conjunction = token.count >= 4 && token.first == Self.arabicWaw
            if index.isStopword(token) || (conjunction && index.isStopword(token.dropFirst())) {
                isStopword[position] = true
                // A stopword still counts when it is itself a keyword word, but never loosely.
                index.lookUpExact(token, into: &termHits)
            } else {
                contentWords += 1
                index.lookUp(token, into: &termHits)
                if termHits.isEmpty && conjunction { index.lookUp(token.dropFirst(), into: &termHits) }
            }
            for hit in termHits {
                for place in index.postingRange(of: hit.term) {
                    let posting = index.posting(at: place)
                    slotHits.append(
                        SlotHit(
                            phrase: posting.phrase, slot: posting.slot, position: Int16(position), term: hit.term,
                            quality: hit.quality, kind: hit.kind))
                }
            }
        }

        // Phrases whose every word was found, each slot at its best. (The buffers here are
        // reused and the sets are plain arrays: a message touches a handful of phrases and
        // intents, and allocations, not comparisons, are what matching costs.)
        slotHits.sort { a, b in
            a.phrase != b.phrase ? a.phrase < b.phrase : a.slot != b.slot ? a.slot < b.slot : a.quality > b.quality
        }
        var contributions: [Contribution] = []
        var excluded: [Int32] = []
        var matchedHits: [SlotHit] = []
        var best: [SlotHit] = []
        var cursor = 0
        while cursor < slotHits.count {
            let phraseID = slotHits[cursor].phrase
            let phrase = index.phraseShapes[Int(phraseID)]
            var end = cursor
            best.removeAll(keepingCapacity: true)
            while end < slotHits.count && slotHits[end].phrase == phraseID {
                if best.last?.slot != slotHits[end].slot { best.append(slotHits[end]) }
                end += 1
            }
            cursor = end
            guard best.count == Int(phrase.termCount) else { continue }
            // Exclusions are strong statements; loose matches (endings, typos) must not trigger them.
            if phrase.excludes && best.contains(where: { $0.kind == .ending || $0.kind == .typo }) { continue }
            if phrase.excludes {
                if !excluded.contains(phrase.intent) { excluded.append(phrase.intent) }
                if explain { matchedHits += best }
                continue
            }
            let bonus: Float = phrase.termCount > 1 ? 1.25 : 1
            for hit in best {
                contributions.append(
                    Contribution(
                        intent: phrase.intent, position: hit.position, value: hit.quality * index.weight(of: hit.term) * bonus))
            }
            if explain { matchedHits += best }
        }

        // Per intent: the best contribution of each word, summed; a word counts once. The words
        // of an intent are `positions[first..<end]`.
        contributions.sort { a, b in
            a.intent != b.intent ? a.intent < b.intent : a.position != b.position ? a.position < b.position : a.value > b.value
        }
        var scores: [Score] = []
        var positions: [Int16] = []
        var previous: (Int32, Int16)?
        for contribution in contributions where !excluded.contains(contribution.intent) {
            if let previous, previous == (contribution.intent, contribution.position) { continue }
            previous = (contribution.intent, contribution.position)
            positions.append(contribution.position)
            if let last = scores.last, last.intent == contribution.intent {
                scores[scores.count - 1].score += contribution.value
                scores[scores.count - 1].end = positions.count
            } else {
                scores.append(
                    Score(
                        intent: contribution.intent, score: contribution.value, first: positions.count - 1, end: positions.count))
            }
        }
        // Low-priority intents (greetings, thanks) give way: their words do not count against a
        // real topic in the same message ("salam, anmeldung?"), and they are dropped when one matched.
        var smallTalk = [Bool](repeating: false, count: normalized.tokens.count)
        for entry in scores where index.isLowPriority(entry.intent) {
            for position in positions[entry.first..<entry.end] { smallTalk[Int(position)] = true }
        }
        var scored = scores.map { entry -> (intent: Int32, candidate: Candidate) in
            let own = positions[entry.first..<entry.end]
            let covered = own.filter { !isStopword[Int($0)] }.count
            var content = contentWords
            if !index.isLowPriority(entry.intent) {
                for position in smallTalk.indices where smallTalk[position] && !isStopword[position] {
                    if !own.contains(Int16(position)) { content -= 1 }
                }
            }
            let strength = 1 - exp(-1.6 * Double(entry.score))
            let coverage = Double(covered) / Double(max(1, content))
            let confidence = strength * (0.5 + 0.5 * min(1, coverage))
            let candidate = Candidate(
                intent: index.intentIDs[Int(entry.intent)], score: Double(entry.score), confidence: confidence)
            return (entry.intent, candidate)
        }
        if scored.contains(where: { $0.candidate.confidence >= settings.threshold && !index.isLowPriority($0.intent) }) {
            scored.removeAll { index.isLowPriority($0.intent) }
        }
        var candidates = scored.map(\.candidate)
        candidates.sort { ($0.confidence, $1.intent) > ($1.confidence, $0.intent) }
        let top = Array(candidates.prefix(3))

        var outcome = Outcome.noMatch
        var intent: String?
        if let first = top.first, first.confidence >= settings.threshold {
            if top.count > 1, first.confidence < settings.certain, top[1].confidence >= settings.threshold,
                top[1].score >= settings.ambiguityRatio * first.score
            {
                outcome = .ambiguous
            } else {
                outcome = .matched
                intent = first.intent
            }
        }
        var explanation: Explanation?
        if explain {
            explanation = Explanation(
                words: normalized.tokens.indices.map { normalized.string(at: $0) },
                stopwords: normalized.tokens.indices.filter { isStopword[$0] }.map { normalized.string(at: $0) },
                matches: matchedHits.map { hit in
                    let phrase = index.phrases[Int(hit.phrase)]
                    return WordMatch(
                        word: normalized.string(at: Int(hit.position)), keyword: phrase.text,
                        intent: index.intentIDs[Int(phrase.intent)], kind: hit.kind, excludes: phrase.excludes)
                },
                language: "\(language) (\(why))")
        }
        return Result(
            language: language, outcome: outcome, intent: intent, confidence: top.first?.confidence ?? 0,
            candidates: top, explanation: explanation)
    }

    private static let arabicWaw: UInt32 = 0x0648

    struct Contribution {
        var intent: Int32
        var position: Int16
        var value: Float
    }

    struct Score {
        var intent: Int32
        var score: Float
        /// The intent's words are `positions[first..<end]`.
        var first: Int
        var end: Int
    }

    struct SlotHit {
        var phrase: Int32
        var slot: Int8
        var position: Int16
        var term: Int32
        var quality: Float
        var kind: KeywordIndex.MatchKind
    }
}

extension KeywordIndex {
    /// Exact look-up only, for words that are stopwords too.
    func lookUpExact(_ token: ArraySlice<UInt32>, into hits: inout [TermHit]) {
        if let id = termID(token) {
            hits.append(TermHit(term: id, quality: 1, kind: .exact))
        }
    }
}
