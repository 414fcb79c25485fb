import Foundation
import Testing

@testable import WelcomeCore

/// A small two-language catalog written for these tests, so each rule is seen in isolation.
private let testCatalog: IntentCatalog = {
    let german = """
        language: de
        name: Deutsch
        weekdays: [Montag, Dienstag, Mittwoch, Donnerstag, Freitag, Samstag, Sonntag]
        texts:
          fallback: Das habe ich nicht verstanden.
          did-you-mean: "Meinen Sie:"
          closed: geschlossen
          as-of: "Stand: {date}."
          choose-language: "Sprache wählen:"
        menu: [opening-hours, registration]
        stopwords: [ich, wann, wo, habt, ihr, die, der, das, mein, meine, kann, wie, ist]
        intents:
          greeting:
            title: Hallo
            priority: low
            keywords: [hallo, guten tag, servus]
            answer: Hallo!
            examples: [hallo, guten tag, servus, hallo zusammen, hallo du]
          opening-hours:
            title: Öffnungszeiten
            keywords: [öffnungszeiten, offen, geöffnet, sprechzeiten]
            exclude: [bürgeramt]
            answer: "{hours.welcome-center}"
            buttons: [registration, lang.en]
            examples: [wann habt ihr offen, öffnungszeiten, oeffnungszeiten, geöffnet?, sprechzeiten]
          registration:
            title: Anmeldung
            keywords: [anmeld, wohnung anmelden, meldebescheinigung, wohnsitz]
            answer: Anmeldung beim Bürgeramt.
            examples: [anmeldung, wohnung anmelden, meldebescheinigung, wo anmelden, anmelden]
          housing:
            title: Wohnung
            keywords: [wohnung, wohnungssuche, miete]
            answer: Wohnungssuche.
            examples: [wohnung, miete, wohnungssuche, ich suche wohnung, wohnung gesucht]
          course:
            title: Kurs
            keywords: [deutschkurs, sprachkurs]
            answer: Kurse.
            examples: [deutschkurs, sprachkurs, deutschkurs bitte, sprachkurs suchen, deutschkurs wo]
          work:
            title: Arbeit
            keywords: [arbeit, job, arbeitserlaubnis]
            answer: Arbeit.
            examples: [arbeit, job, arbeitserlaubnis, arbeit suchen, job gesucht]
        """
    let english = TemporaryIntents.english.replacingOccurrences(
        of: "intents:\n",
        with:
            "intents:\n  greeting:\n    title: Hello\n    keywords: [hello, hi]\n    answer: Hello!\n    examples: [hello, hi, hi there, hello bot, hello hello]\n"
    )
    let russian = """
        language: ru
        name: Русский
        weekdays: [Понедельник, Вторник, Среда, Четверг, Пятница, Суббота, Воскресенье]
        texts:
          fallback: Не понял.
          did-you-mean: "Вы имели в виду:"
          closed: закрыто
          as-of: "По состоянию на {date}."
          choose-language: "Выберите язык:"
        stopwords: [я, где, как, мне, можно, когда]
        intents:
          work:
            title: Работа
            keywords: [работа, джобцентр]
            answer: Работа.
            examples: [работа, работу, ищу работу, работы нет, джобцентр]
        """
    do {
        let folder = try TemporaryIntents(files: ["de.yaml": german, "en.yaml": english, "ru.yaml": russian])
        defer { folder.remove() }
        return try IntentCatalog.load(from: folder.path, today: testToday)
    } catch {
        fatalError("the test catalog does not load: \(error)")
    }
}()

@Suite("Matching messages to intents")
struct MatcherTests {
    let matcher = Matcher(catalog: testCatalog)

    @Test(
        "each kind of keyword match",
        arguments: [
            ("öffnungszeiten", "opening-hours", KeywordIndex.MatchKind.exact),
            ("OEFFNUNGSZEITEN", "opening-hours", .exact),
            ("anmeldung", "registration", .prefix),
            ("angemeldet", nil, nil),
            ("wohnungen", "housing", .prefix),
            ("sprechzeit", "opening-hours", .ending),
            ("wohnug", "housing", .ending),
            ("wonhung", "housing", .typo),
            ("öfnungszeiten", "opening-hours", .typo),
            ("oefnungszeitn", "opening-hours", .typo),
            ("arbeitserlaubniss", "work", .prefix),
        ] as [(String, String?, KeywordIndex.MatchKind?)])
    func kinds(text: String, intent: String?, kind: KeywordIndex.MatchKind?) throws {
        let result = matcher.match(text, language: "de", explain: true)
        #expect(result.intent == intent, "\(result.explanation?.summary ?? "")")
        if let kind {
            #expect(result.explanation?.matches.first?.kind == kind)
        }
    }

    @Test("words shorter than four letters match exactly or not at all")
    func shortWords() {
        #expect(matcher.match("jop", language: "de").intent == nil)
        #expect(matcher.match("job", language: "de").intent == "work")
    }

    @Test("a phrase needs all its words, in any order, and counts more than one word")
    func phrases() {
        let both = matcher.match("anmelden wohnung", language: "de")
        #expect(both.intent == "registration")
        #expect(matcher.match("wohnung", language: "de").intent == "housing")
    }

    @Test("an exclusion keyword rules its intent out")
    func exclusion() {
        #expect(matcher.match("öffnungszeiten", language: "de").intent == "opening-hours")
        let result = matcher.match("öffnungszeiten bürgeramt", language: "de", explain: true)
        #expect(result.intent != "opening-hours")
        #expect(result.explanation?.matches.contains { $0.excludes && $0.intent == "opening-hours" } == true)
    }

    @Test("nothing close enough gives no intent and confidence below the threshold")
    func noMatch() {
        for text in ["wie wird das wetter", "xyz", "", "!!!", "ich ich ich"] {
            let result = matcher.match(text, language: "de")
            #expect(result.intent == nil, "\(text)")
            #expect(result.outcome == .noMatch, "\(text)")
            #expect(result.confidence < matcher.settings.threshold)
        }
    }

    @Test("unknown words in a long message lower the confidence")
    func coverage() {
        let short = matcher.match("arbeit", language: "de").confidence
        let diluted = matcher.match("arbeit fußball wetter kino pizza", language: "de").confidence
        #expect(diluted < short)
    }

    @Test("two close intents make the bot ask which was meant")
    func ambiguity() {
        let result = matcher.match("deutschkurs arbeit", language: "de")
        #expect(result.outcome == .ambiguous)
        #expect(result.intent == nil)
        #expect(Set(result.candidates.prefix(2).map(\.intent)) == ["course", "work"])
    }

    @Test("the explanation names the words, the ignored words and what matched")
    func explanation() throws {
        let result = matcher.match("Wann habt ihr offen?", language: "de", explain: true)
        let explanation = try #require(result.explanation)
        #expect(explanation.words == ["wann", "habt", "ihr", "offen"])
        #expect(explanation.stopwords == ["wann", "habt", "ihr"])
        #expect(
            explanation.matches == [
                Matcher.WordMatch(word: "offen", keyword: "offen", intent: "opening-hours", kind: .exact, excludes: false)
            ])
        #expect(explanation.summary.contains("matched 'offen' ~ 'offen' (exact) → opening-hours"))
        #expect(result.confidence > 0.7)
        let german = explanation.summary(in: .german)
        #expect(german.contains("Sprache: de (gewählt)"), "\(german)")
        #expect(german.contains("ignoriert: wann habt ihr"))
        #expect(german.contains("passt 'offen' ~ 'offen' (genau) → opening-hours"))
    }

    @Test("the language's reasons in German: words counted, hint, script, default")
    func germanReasons() {
        #expect(Matcher.Explanation.germanReasons("de (2 words, hint)") == "de (2 Wörter, Hinweis)")
        #expect(Matcher.Explanation.germanReasons("ar (1 word)") == "ar (1 Wort)")
        #expect(Matcher.Explanation.germanReasons("ar (script)") == "ar (Schrift)")
        #expect(Matcher.Explanation.germanReasons("de (default)") == "de (Vorgabe)")
        #expect(Matcher.Explanation.germanReasons("uk (kept)") == "uk (beibehalten)")
    }

    @Test("small talk gives way to a real topic in the same message, and answers when alone")
    func lowPriority() {
        #expect(matcher.match("hallo", language: "de").intent == "greeting")
        let both = matcher.match("hallo, guten tag, ich brauche eine anmeldung", language: "de")
        #expect(both.intent == "registration")
        #expect(!both.candidates.contains { $0.intent == "greeting" })
    }

    @Test("a language that is not loaded gives no match rather than a crash")
    func unknownLanguage() {
        let result = matcher.match("hallo", language: "xx")
        #expect(result.intent == nil)
    }

    @Test("Russian endings: one keyword serves the inflected forms")
    func russianEndings() {
        for text in ["работа", "работу", "ищу работу", "работы"] {
            #expect(matcher.match(text, language: "ru").intent == "work", "\(text)")
        }
    }
}

@Suite("Detecting the language")
struct LanguageDetectorTests {
    let matcher = Matcher(catalog: testCatalog)

    @Test(
        "from script, distinctive letters and words",
        arguments: [
            ("wann habt ihr offen", "de"),
            ("when are you open", "en"),
            ("где можно найти работу", "ru"),
            ("Öffnungszeiten", "de"),
        ])
    func detection(text: String, language: String) {
        #expect(matcher.match(text).language == language)
    }

    @Test("the hint decides when the text says nothing")
    func hint() {
        #expect(matcher.match("12345", hint: "en").language == "en")
        #expect(matcher.match("12345", hint: "ru").language == "ru")
        #expect(matcher.match("12345").language == "de")
    }

    @Test("Cyrillic text never goes to a Latin-script language, whatever the hint")
    func scriptWins() {
        #expect(matcher.match("работа", hint: "en").language == "ru")
    }
}
