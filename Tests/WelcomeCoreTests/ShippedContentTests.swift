import Foundation
import Testing

@testable import WelcomeCore

/// The content the Welcome Center ships: complete in every language and answering its own examples.
@Suite("The shipped Leipzig content")
struct ShippedContentTests {
    static let languages = ["de", "en", "ar", "uk", "ru", "fa", "tr"]
    static let intentIDs = [
        "greeting", "help", "language", "about", "address", "opening-hours", "contact", "registration",
        "residence-permit", "asylum", "german-course", "work", "recognition", "family", "study", "health", "housing",
        "counselling", "emergency", "consumer-advice", "worker-rights", "migrant-council", "events", "privacy", "thanks",
    ]

    @Test(
        "the staff guide, in English and in German, names every field the loader knows",
        arguments: ["README.md", "README.de.md"])
    func guideNamesEveryField(file: String) throws {
        let guide = try String(contentsOfFile: shippedIntents + "/" + file, encoding: .utf8)
        let fields =
            LanguageReader.topFields + LanguageReader.textFields + LanguageReader.optionalTextFields
            + LanguageReader.intentFields + FactsReader.sections + FactsReader.placeFields + FactsReader.partnerFields
            + FactsReader.linkFields
        for field in fields {
            #expect(guide.contains("`\(field)`") || guide.contains("\(field):"), "\(file) does not name '\(field)'")
        }
    }

    @Test("loads without errors, in the menu order")
    func loads() {
        #expect(shippedCatalog.languageOrder == Self.languages)
        #expect(shippedCatalog.referenceLanguage == "de")
    }

    @Test("every language has every intent, five examples each and five out-of-scope questions", arguments: languages)
    func complete(code: String) throws {
        let pack = try #require(shippedCatalog.languages[code])
        #expect(pack.intents.map(\.id).sorted() == Self.intentIDs.sorted())
        for intent in pack.intents {
            #expect(intent.examples.count >= 5, "\(code) \(intent.id)")
            #expect(!intent.keywords.isEmpty)
        }
        #expect(pack.outOfScope.count >= 5)
        #expect(pack.direction == (["ar", "fa"].contains(code) ? .rightToLeft : .leftToRight))
    }

    @Test("every example gets its intent and no out-of-scope question gets one", arguments: languages)
    func examplesMatch(code: String) throws {
        let matcher = Matcher(catalog: shippedCatalog)
        let pack = try #require(shippedCatalog.languages[code])
        for intent in pack.intents {
            for example in intent.examples {
                let result = matcher.match(example.text, language: code, explain: true)
                #expect(
                    result.intent == intent.id,
                    "\(pack.file):\(example.location.line): '\(example.text)'\n\(result.explanation?.summary ?? "")")
            }
        }
        for example in pack.outOfScope {
            let result = matcher.match(example.text, language: code, explain: true)
            #expect(
                result.intent == nil,
                "\(pack.file):\(example.location.line): '\(example.text)'\n\(result.explanation?.summary ?? "")")
        }
    }

    @Test("opening hours are rendered per language with the as-of date, never as certain", arguments: languages)
    func openingHours(code: String) throws {
        let pack = try #require(shippedCatalog.languages[code])
        let reply = ReplyComposer(catalog: shippedCatalog).answer(try #require(pack.intent("opening-hours")), in: pack)
        #expect(reply.text.contains("11:00–17:00"))
        #expect(reply.text.contains("2021-06-01"))
        #expect(reply.text.contains(pack.weekdays[0]))
    }

    @Test("the appointment links are placeholders that people never see", arguments: languages)
    func placeholders(code: String) throws {
        let pack = try #require(shippedCatalog.languages[code])
        let composer = ReplyComposer(catalog: shippedCatalog)
        for intent in pack.intents {
            let reply = composer.answer(intent, in: pack)
            #expect(!reply.text.contains("PLACEHOLDER"))
            #expect(!reply.buttons.contains { $0.value.contains("PLACEHOLDER") })
        }
        #expect(shippedCatalog.warnings.contains { $0.message.contains("'appointment-registration' is still a placeholder") })
    }

    @Test("the language menu names each language in its own script")
    func languageMenu() throws {
        let pack = try #require(shippedCatalog.languages["de"])
        let menu = ReplyComposer(catalog: shippedCatalog).languageMenu(in: pack)
        #expect(menu.buttons.map(\.label) == ["Deutsch", "English", "العربية", "Українська", "Русский", "فارسی", "Türkçe"])
    }
}
