import ArgumentParser
import WelcomeCore

/// `welcomebot intents dump --json`: the loaded catalog for other tools.
struct IntentsDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print the loaded intent catalog as JSON, answers with their facts filled in."
    )

    @OptionGroup var options: IntentsOptions

    @Flag(name: .long, help: "Print JSON (the only format for now; accepted for clarity in scripts).")
    var json = false

    func run() throws {
        let catalog = try options.loadCatalog()
        Terminal.print(try JSONOutput.encode(CatalogDump(catalog)))
    }
}

/// The JSON shape of `intents dump`.
struct CatalogDump: Encodable {
    struct Language: Encodable {
        var code: String
        var name: String
        var direction: String
        var file: String
        var weekdays: [String]
        var menu: [String]
        var linkLabels: [String: String]
        var stopwords: [String]
        var intents: [IntentDump]
        var outOfScope: [String]
    }

    struct IntentDump: Encodable {
        var id: String
        var title: String
        var keywords: [String]
        var exclude: [String]
        var answer: String
        var buttons: [Button]
        var examples: [String]
        var line: Int
    }

    struct Fact: Encodable {
        var fields: [String: String]
        var hours: [String: String]?
        var verified: String?
    }

    struct LinkDump: Encodable {
        var url: String
        var fallback: String?
        var placeholder: Bool
        var verified: String?
    }

    var referenceLanguage: String
    var languageOrder: [String]
    var languages: [Language]
    var places: [String: Fact]
    var partners: [String: Fact]
    var links: [String: LinkDump]
    var numbers: [String: String]

    init(_ catalog: IntentCatalog) {
        let composer = ReplyComposer(catalog: catalog)
        referenceLanguage = catalog.referenceLanguage
        languageOrder = catalog.languageOrder
        languages = catalog.languageOrder.compactMap { catalog.languages[$0] }.map { pack in
            Language(
                code: pack.code, name: pack.name, direction: pack.direction.rawValue, file: pack.file,
                weekdays: pack.weekdays, menu: pack.menu, linkLabels: pack.linkLabels, stopwords: pack.stopwords,
                intents: pack.intents.map { intent in
                    let reply = composer.answer(intent, in: pack)
                    return IntentDump(
                        id: intent.id, title: intent.title, keywords: intent.keywords.map(\.text),
                        exclude: intent.excludes.map(\.text), answer: reply.text, buttons: reply.buttons,
                        examples: intent.examples.map(\.text), line: intent.location.line)
                },
                outOfScope: pack.outOfScope.map(\.text))
        }
        func fact(_ record: FactRecord) -> Fact {
            var hours: [String: String]?
            if let weekly = record.hours {
                hours = [:]
                for (index, ranges) in weekly.days.enumerated() where !ranges.isEmpty {
                    hours?[WeeklyHours.dayNames[index]] = ranges.map(\.description).joined(separator: ", ")
                }
            }
            return Fact(fields: record.fields, hours: hours, verified: record.verified?.description)
        }
        places = catalog.facts.places.mapValues(fact)
        partners = catalog.facts.partners.mapValues(fact)
        links = catalog.facts.links.mapValues {
            LinkDump(url: $0.url, fallback: $0.fallback, placeholder: $0.isPlaceholder, verified: $0.verified?.description)
        }
        numbers = catalog.facts.numbers
    }
}
