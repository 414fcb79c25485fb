import Foundation
import Testing

@testable import WelcomeCore

/// What staff actually do to intent files, and what they are told.
@Suite("Loading intent files")
struct CatalogLoaderTests {
    /// Loads `en.yaml` with `content` and returns the result; the folder is removed afterwards.
    private func load(_ content: String, facts: String? = TemporaryIntents.facts) throws -> CatalogLoadResult {
        let folder = try TemporaryIntents(files: ["en.yaml": content], facts: facts)
        defer { folder.remove() }
        return folder.load()
    }

    private func english(replacing old: String, with new: String) -> String {
        precondition(TemporaryIntents.english.contains(old), "the test's base file has no '\(old)'")
        return TemporaryIntents.english.replacingOccurrences(of: old, with: new)
    }

    private func only(_ severity: Diagnostic.Severity, in result: CatalogLoadResult) -> [Diagnostic] {
        result.diagnostics.filter { $0.severity == severity }
    }

    @Test("the valid base file loads without errors or warnings")
    func validFile() throws {
        let result = try load(TemporaryIntents.english)
        #expect(result.catalog != nil, "\(result.printed)")
        #expect(result.diagnostics.isEmpty, "\(result.printed)")
    }

    @Test("a tab used for indentation is an error at its line and column, and later problems are still found")
    func tabs() throws {
        let content = english(replacing: "    title: Address", with: "\t\ttitle: Address")
            .replacingOccurrences(of: "{places.welcome-center.address}", with: "{places.welcome-centre.address}")
        let result = try load(content)
        let errors = only(.error, in: result)
        #expect(result.catalog == nil)
        let tab = try #require(errors.first { $0.message.contains("tab") })
        #expect(tab.file.hasSuffix("/en.yaml"))
        #expect(tab.line == 24)
        #expect(tab.column == 1)
        #expect(tab.fix.contains("spaces"))
        #expect(
            errors.contains { $0.message.contains("welcome-centre") }, "the second mistake is reported too:\n\(result.printed)")
    }

    @Test("a duplicate key is an error at the second occurrence naming the first")
    func duplicateKey() throws {
        let content = english(
            replacing: "  address:\n    title: Address",
            with: "  opening-hours:\n    title: Address")
        let result = try load(content)
        let error = try #require(only(.error, in: result).first { $0.message.contains("appears twice") })
        #expect(error.line == 23)
        #expect(error.column == 3)
        #expect(error.message.contains("'opening-hours'"))
        #expect(error.message.contains("first on line 15"))
    }

    @Test("unquoted no, yes, on and off stay words", arguments: ["no", "yes", "on", "off", "No", "YES"])
    func yamlBooleansStayWords(word: String) throws {
        let content = english(
            replacing: "keywords: [opening hours, open, closed, no]", with: "keywords: [opening hours, \(word)]")
        let result = try load(content)
        let catalog = try #require(result.catalog, "\(result.printed)")
        let keywords = catalog.languages["en"]?.intent("opening-hours")?.keywords.map(\.text)
        #expect(keywords == ["opening hours", word])
        let matcher = Matcher(catalog: catalog)
        #expect(matcher.match(word, language: "en").intent == "opening-hours")
    }

    @Test("a misspelt field name is an error with a suggestion")
    func misspeltField() throws {
        let result = try load(english(replacing: "    keywords: [address,", with: "    keywrods: [address,"))
        let errors = only(.error, in: result)
        let error = try #require(errors.first { $0.message.contains("keywrods") })
        #expect(error.line == 25)
        #expect(error.column == 5)
        #expect(error.message == "unknown field 'keywrods' in intent 'address'")
        #expect(error.fix == "did you mean 'keywords'?")
        #expect(errors.contains { $0.message == "intent 'address' has no 'keywords'" })
    }

    @Test("a misspelt top-level field and text field get suggestions")
    func misspeltTopLevelField() throws {
        let result = try load(
            english(replacing: "stopwords:", with: "stopword:").replacingOccurrences(of: "did-you-mean:", with: "did-you-men:"))
        let errors = only(.error, in: result)
        #expect(errors.contains { $0.message.contains("'stopword'") && $0.fix == "did you mean 'stopwords'?" && $0.line == 13 })
        #expect(
            errors.contains { $0.message.contains("'did-you-men'") && $0.fix == "did you mean 'did-you-mean'?" && $0.line == 6 })
    }

    @Test("a reference to a fact that does not exist is an error at the reference")
    func unknownFact() throws {
        let result = try load(english(replacing: "{hours.welcome-center}", with: "{hours.welcome-centre}"))
        let error = try #require(only(.error, in: result).first)
        #expect(error.line == 20)
        #expect(error.column == 7)
        #expect(error.message.contains("{hours.welcome-centre}"))
        #expect(error.fix.contains("welcome-center"))
    }

    @Test(
        "a reference to a missing field, kind or number is an error",
        arguments: [
            ("{places.welcome-center.phone}", "has no 'phone'"),
            ("{place.welcome-center.name}", "not a known kind of fact"),
            ("{numbers.ambulance}", "names a number that is not in facts.yaml"),
            ("{links.booking", "is not closed"),
        ])
    func badReferences(reference: String, message: String) throws {
        let result = try load(english(replacing: "\"{places.welcome-center.address}\"", with: "\"See \(reference)\""))
        let error = try #require(only(.error, in: result).first, "\(result.printed)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.line == 26)
    }

    @Test("a button to an intent that does not exist is an error with a suggestion")
    func unknownIntentButton() throws {
        let result = try load(english(replacing: "buttons: [address, link.booking]", with: "buttons: [adress, link.boking]"))
        let errors = only(.error, in: result)
        #expect(
            errors.contains { $0.message.contains("intent 'adress'") && $0.fix == "did you mean 'address'?" && $0.line == 21 })
        #expect(errors.contains { $0.message.contains("'link.boking'") && $0.fix == "did you mean 'link.booking'?" })
    }

    @Test("an empty keyword list is an error")
    func emptyKeywords() throws {
        let result = try load(
            english(replacing: "keywords: [address, directions, how to get there, location]", with: "keywords: []"))
        let error = try #require(only(.error, in: result).first)
        #expect(error.message == "the keywords of intent 'address' is empty")
        #expect(error.line == 25)
    }

    @Test("a keyword without letters is an error")
    func keywordWithoutLetters() throws {
        let result = try load(english(replacing: "keywords: [address,", with: "keywords: [\"???\", address,"))
        let error = try #require(only(.error, in: result).first)
        #expect(error.message.contains("'???'"))
        #expect(error.message.contains("no letters or digits"))
    }

    @Test("a byte-order mark is accepted")
    func byteOrderMark() throws {
        let folder = try TemporaryIntents(files: [:])
        defer { folder.remove() }
        try folder.write("en.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array(TemporaryIntents.english.utf8))
        let result = folder.load()
        #expect(result.catalog != nil, "\(result.printed)")
        #expect(result.diagnostics.isEmpty)
    }

    @Test("invalid UTF-8 is an error at the first bad byte, and the rest is still checked")
    func invalidUTF8() throws {
        let folder = try TemporaryIntents(files: [:])
        defer { folder.remove() }
        // "Öffnungszeiten" saved as Latin-1: 0xD6 alone is not UTF-8.
        var bytes = Array(
            TemporaryIntents.english.replacingOccurrences(of: "title: Opening hours", with: "title: XOpening hours").utf8)
        let marker = bytes.firstIndex(of: UInt8(ascii: "X"))!
        bytes[marker] = 0xD6
        try folder.write("en.yaml", bytes: bytes)
        let result = folder.load()
        let error = try #require(result.errors.first)
        #expect(error.message.contains("not valid UTF-8"))
        #expect(error.line == 16)
        #expect(error.column == 12)
        #expect(error.fix.contains("UTF-8"))
        #expect(result.catalog == nil)
    }

    @Test("a file saved half-way is reported, not loaded")
    func truncatedFile() throws {
        let content = String(
            TemporaryIntents.english.prefix(upTo: TemporaryIntents.english.range(of: "    examples: [when")!.upperBound))
        let result = try load(content)
        #expect(result.catalog == nil)
        let error = try #require(result.errors.first)
        #expect(error.file.hasSuffix("en.yaml"))
        #expect(error.line == 23)
        #expect(error.message.contains("broken"))
        #expect(error.fix.contains("saved half-way") || error.fix.contains("not closed"))
    }

    @Test("a file cut between intents loads with the intents it still has missing fields reported")
    func truncatedBetweenFields() throws {
        let content = String(
            TemporaryIntents.english.prefix(upTo: TemporaryIntents.english.range(of: "    keywords: [address")!.lowerBound))
        let result = try load(content)
        #expect(result.errors.contains { $0.message == "intent 'address' has no 'keywords'" })
        #expect(result.errors.contains { $0.message == "intent 'address' has no 'answer'" })
    }

    @Test("text with ': ' that needs quotes gets a message that says so")
    func unquotedColon() throws {
        let result = try load(
            english(replacing: "fallback: Sorry, I did not understand.", with: "fallback: Note: I did not understand."))
        let error = try #require(result.errors.first)
        #expect(error.line == 5)
        #expect(error.fix.contains("quotes"))
    }

    @Test("anchors and aliases are refused before parsing")
    func aliases() throws {
        let content = english(replacing: "stopwords: [i, you,", with: "stopwords: &words [i, you,")
            .replacingOccurrences(of: "out-of-scope: [weather tomorrow, football results]", with: "out-of-scope: *words")
        let result = try load(content)
        #expect(result.catalog == nil)
        #expect(result.errors.contains { $0.message.contains("anchor") && $0.line == 13 && $0.column == 12 })
    }

    @Test("a bullet list inside an answer is text, not an alias")
    func bulletsInAnswers() throws {
        let content = english(replacing: "We are open:\n", with: "We are open:\n      * Monday & more\n")
        let result = try load(content)
        #expect(result.catalog != nil, "\(result.printed)")
    }

    @Test("a language file that names another language is an error")
    func languageMismatch() throws {
        let result = try load(english(replacing: "language: en", with: "language: de"))
        let error = try #require(result.errors.first)
        #expect(error.message == "the file says 'language: de' but is named en.yaml")
        #expect(error.line == 1)
    }

    @Test("a missing facts file and a badly named file are errors")
    func missingFacts() throws {
        let folder = try TemporaryIntents(files: ["en.yaml": TemporaryIntents.english, "english.yaml": "x: 1"], facts: nil)
        defer { folder.remove() }
        let result = folder.load()
        #expect(result.errors.contains { $0.file.hasSuffix("facts.yaml") && $0.message == "the facts file is missing" })
        #expect(
            result.errors.contains { $0.file.hasSuffix("english.yaml") && $0.message.contains("not named after a language code") }
        )
    }

    @Test("a missing folder is an error that says what to do")
    func missingFolder() {
        let result = expectGerman(CatalogLoader(directory: "/nonexistent/intents").load())
        #expect(result.catalog == nil)
        #expect(result.errors.first?.message == "the intents folder does not exist")
    }

    @Test("an empty file is an error")
    func emptyFile() throws {
        let result = try load("\n\n")
        #expect(result.errors.first?.message == "the file is empty")
    }

    @Test("every problem of a file is reported at once, sorted by line")
    func allProblemsAtOnce() throws {
        let content = english(replacing: "    title: Address", with: "    titel: Address")
            .replacingOccurrences(of: "buttons: [opening-hours]", with: "buttons: [opening-hour]")
            .replacingOccurrences(of: "{hours.welcome-center}", with: "{hours.nowhere}")
        let result = try load(content)
        let lines = result.errors.map(\.line)
        #expect(result.errors.count >= 3, "\(result.printed)")
        #expect(lines == lines.sorted())
    }

    @Test("facts are validated: hours, dates, addresses")
    func badFacts() throws {
        let facts = TemporaryIntents.facts
            .replacingOccurrences(of: "monday: \"11:00-17:00\"", with: "munday: \"11:00-17:00\"")
            .replacingOccurrences(of: "tuesday: \"11:00-17:00\"", with: "tuesday: \"11-17\"")
            .replacingOccurrences(of: "verified: 2026-06-01\nlinks", with: "verified: 1.6.2026\nlinks")
            .replacingOccurrences(of: "https://example.org/booking", with: "example.org/booking")
        let result = try load(TemporaryIntents.english, facts: facts)
        let errors = result.errors.filter { $0.file.hasSuffix("facts.yaml") }
        #expect(
            errors.contains {
                $0.message == "'munday' is not a day of the week" && $0.fix == "did you mean 'monday'?" && $0.line == 6
            })
        #expect(errors.contains { $0.message == "'11-17' is not a time range" && $0.line == 7 })
        #expect(errors.contains { $0.message == "'1.6.2026' is not a date" && $0.line == 9 })
        #expect(errors.contains { $0.message == "'example.org/booking' is not a web address" && $0.line == 12 })
    }

    @Test("a value of the wrong kind is an error that says what was expected")
    func wrongKinds() throws {
        let result = try load(
            english(
                replacing: "weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday]",
                with: "weekdays: [Monday, Tuesday]"
            )
            .replacingOccurrences(of: "  fallback: Sorry, I did not understand.", with: "  fallback:\n    - Sorry"))
        #expect(result.errors.contains { $0.message == "'weekdays' has 2 names but a week has 7" })
        #expect(result.errors.contains { $0.message == "'texts.fallback' must be text, but it is a list" })
    }

    @Test("an oversized file is refused unread")
    func oversizedFile() throws {
        let big = TemporaryIntents.english + "# " + String(repeating: "x", count: YAMLReader.maximumFileSize) + "\n"
        let result = try load(big)
        #expect(result.errors.first?.message.contains("MiB") == true)
    }

    @Test("a file nested thousands of levels deep is refused with its line before the parser sees it")
    func deepNesting() {
        let flow = "language: de\nintents: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let flowErrors = CatalogLoader.check(Data(flow.utf8), languageCode: "de").filter { $0.severity == .error }
        #expect(flowErrors.count == 1)
        #expect(flowErrors.first?.message == "lists or maps in brackets nest more than 32 levels deep here")
        #expect(flowErrors.first?.line == 2)
        var block = "language: de\nintents:\n"
        for level in 1...300 { block += String(repeating: "  ", count: level) + "- x:\n" }
        let blockErrors = CatalogLoader.check(Data(block.utf8), languageCode: "de").filter { $0.severity == .error }
        #expect(blockErrors.first?.message.hasPrefix("this line is indented 82 spaces") == true)
        // Brackets inside quotes and block texts are text.
        let quoted = "language: de\nname: \"" + String(repeating: "[", count: 100) + "\"\n"
        #expect(!CatalogLoader.check(Data(quoted.utf8), languageCode: "de").contains { $0.message.contains("nest more") })
    }
}

/// Warnings: the bot works, but something should be looked at.
@Suite("Linting intent files")
struct CatalogLinterTests {
    private func load(_ files: [String: String], facts: String = TemporaryIntents.facts, today: CalendarDay = testToday) throws
        -> CatalogLoadResult
    {
        let folder = try TemporaryIntents(files: files, facts: facts)
        defer { folder.remove() }
        return folder.load(today: today)
    }

    @Test("an intent of the reference language missing in another language")
    func missingIntent() throws {
        let german = TemporaryIntents.english.replacingOccurrences(of: "language: en", with: "language: de")
        let english = TemporaryIntents.english.replacingOccurrences(
            of:
                "  address:\n    title: Address\n    keywords: [address, directions, how to get there, location]\n    answer: \"{places.welcome-center.address}\"\n    buttons: [opening-hours]\n    examples: [address, where is the address, directions please, your location, adress]\n",
            with: ""
        ).replacingOccurrences(of: "buttons: [address, link.booking]", with: "buttons: [link.booking]")
            .replacingOccurrences(of: "menu: [opening-hours, address]", with: "menu: [opening-hours]")
        let result = try load(["de.yaml": german, "en.yaml": english])
        #expect(result.catalog != nil, "\(result.printed)")
        #expect(
            result.warnings.contains {
                $0.file.hasSuffix("en.yaml") && $0.message == "intent 'address' of de.yaml is missing in this language"
            })
    }

    @Test("an answer too long for a channel names the channel and its limit")
    func longAnswer() throws {
        let long = String(repeating: "word ", count: 420)  // 2100 characters
        let english = TemporaryIntents.english.replacingOccurrences(
            of: "\"{places.welcome-center.address}\"", with: "\"\(long)\"")
        let result = try load(["en.yaml": english])
        let warning = try #require(result.warnings.first { $0.message.contains("characters, more than") })
        #expect(warning.message.contains("SMS 1600"))
        #expect(warning.message.contains("Messenger 2000"))
        #expect(!warning.message.contains("Telegram"))
        #expect(warning.line == 23)
    }

    @Test("a button title longer than WhatsApp allows")
    func longButtonTitle() throws {
        let english = TemporaryIntents.english.replacingOccurrences(
            of: "title: Address", with: "title: Address and directions to us")
        let result = try load(["en.yaml": english])
        #expect(
            result.warnings.contains {
                $0.message.contains("'Address and directions to us'") && $0.message.contains("WhatsApp shows at most 20")
            })
    }

    @Test("a keyword shared by two intents of one language")
    func sharedKeyword() throws {
        let english = TemporaryIntents.english.replacingOccurrences(
            of: "keywords: [address,", with: "keywords: [Opening Hours, address,")
        let result = try load(["en.yaml": english])
        let warning = try #require(result.warnings.first { $0.message.contains("also a keyword of") })
        #expect(warning.message == "the keyword 'Opening Hours' is also a keyword of 'opening-hours'")
        #expect(warning.line == 25)
    }

    @Test("a link that is still a placeholder")
    func placeholderLink() throws {
        let facts = TemporaryIntents.facts.replacingOccurrences(
            of: "url: https://example.org/booking", with: "url: PLACEHOLDER\n    fallback: https://example.org/")
        let result = try load(["en.yaml": TemporaryIntents.english], facts: facts)
        let warning = try #require(result.warnings.first { $0.message.contains("placeholder") })
        #expect(warning.message.contains("'booking'"))
        #expect(warning.line == 11)
        // Newcomers get the fallback, never the placeholder.
        let catalog = try #require(result.catalog)
        let reply = ReplyComposer(catalog: catalog).answer(
            catalog.languages["en"]!.intent("opening-hours")!, in: catalog.languages["en"]!)
        #expect(reply.buttons.contains { $0.kind == .link && $0.value == "https://example.org/" })
    }

    @Test("facts whose verified date is more than a year old")
    func staleFacts() throws {
        let result = try load(["en.yaml": TemporaryIntents.english], today: CalendarDay(parsing: "2027-07-01")!)
        #expect(
            result.warnings.contains {
                $0.message.contains("place 'welcome-center' were last verified on 2026-06-01") && $0.line == 2
            })
        let fresh = try load(["en.yaml": TemporaryIntents.english], today: CalendarDay(parsing: "2027-05-01")!)
        #expect(!fresh.warnings.contains { $0.message.contains("last verified") })
    }

    @Test("an intent with fewer than five examples")
    func fewExamples() throws {
        let english = TemporaryIntents.english.replacingOccurrences(
            of: "examples: [address, where is the address, directions please, your location, adress]", with: "examples: [address]"
        )
        let result = try load(["en.yaml": english])
        #expect(result.warnings.contains { $0.message == "intent 'address' has 1 example" })
    }
}

@Suite("Intent priority")
struct IntentPriorityTests {
    @Test("priority low is read; an unknown priority is an error with what to write")
    func priority() throws {
        let good = try TemporaryIntents(files: [
            "en.yaml": TemporaryIntents.english.replacingOccurrences(
                of: "    title: Address\n", with: "    title: Address\n    priority: low\n")
        ])
        defer { good.remove() }
        let catalog = try #require(good.load().catalog)
        #expect(catalog.languages["en"]?.intent("address")?.priority == .low)
        #expect(catalog.languages["en"]?.intent("opening-hours")?.priority == .normal)

        let bad = try TemporaryIntents(files: [
            "en.yaml": TemporaryIntents.english.replacingOccurrences(
                of: "    title: Address\n", with: "    title: Address\n    priority: urgent\n")
        ])
        defer { bad.remove() }
        let error = try #require(bad.load().errors.first)
        #expect(error.message == "the priority 'urgent' of intent 'address' is not known")
        #expect(error.line == 25)
    }
}
