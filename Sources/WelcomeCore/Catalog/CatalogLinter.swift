/// Finds what works but should be looked at: answers too long for a channel, keywords two
/// intents share, placeholders, stale facts, intents missing in a language.
struct CatalogLinter {
    let catalog: IntentCatalog
    let today: CalendarDay

    /// Facts older than this deserve a check: opening hours in Leipzig changed yearly.
    static let staleAfterDays = 365

    /// The text limits of the channels, the smallest first (what a staff member must know).
    static let channelLimits: [(channel: String, characters: Int)] = [
        ("SMS", 1600), ("Messenger", 2000), ("Telegram", 4096), ("WhatsApp", 4096),
    ]
    static let whatsAppButtonTitle = 20
    static let whatsAppListRows = 10

    func warnings() -> [Diagnostic] {
        var sink = DiagnosticSink()
        lintFacts(&sink)
        let composer = ReplyComposer(catalog: catalog)
        let reference = catalog.languages[catalog.referenceLanguage]
        for code in catalog.languageOrder {
            guard let pack = catalog.languages[code] else { continue }
            lintLanguage(pack, composer: composer, reference: reference, sink: &sink)
        }
        return sink.diagnostics
    }

    private func lintFacts(_ sink: inout DiagnosticSink) {
        let facts = catalog.facts
        for link in facts.links.values.sorted(by: { $0.id < $1.id }) {
            if link.isPlaceholder {
                sink.warning(
                    facts.file, link.location,
                    "link '\(link.id)' is still a placeholder\(link.fallback == nil ? " and has no fallback, so its buttons are hidden" : "; people get its fallback meanwhile")",
                    fix: "write the real booking address into its 'url'")
            }
            stale(link.verified, what: "link '\(link.id)'", at: link.location, file: facts.file, &sink)
        }
        for record in (facts.places.values.sorted { $0.id < $1.id }) {
            stale(record.verified, what: "place '\(record.id)'", at: record.location, file: facts.file, &sink)
        }
        for record in (facts.partners.values.sorted { $0.id < $1.id }) {
            stale(record.verified, what: "partner '\(record.id)'", at: record.location, file: facts.file, &sink)
        }
    }

    private func stale(_ day: CalendarDay?, what: String, at: SourceLocation, file: String, _ sink: inout DiagnosticSink) {
        guard let day, day.days(until: today) > Self.staleAfterDays else { return }
        sink.warning(
            file, at, "the facts of \(what) were last verified on \(day), more than a year ago",
            fix: "check them (opening hours and links change) and set 'verified' to today's date")
    }

    private func lintLanguage(
        _ pack: LanguagePack, composer: ReplyComposer, reference: LanguagePack?, sink: inout DiagnosticSink
    ) {
        let file = pack.file
        // Texts the reference language has and this one lacks: people would read English there.
        let lacking = pack.texts.missing.filter { !(reference?.texts.missing.contains($0) ?? true) }
        if !lacking.isEmpty, pack.code != reference?.code {
            sink.warning(
                file, pack.texts.location,
                "'texts' has no \(lacking.map { "'\($0)'" }.joined(separator: ", ")), which \(catalog.referenceLanguage).yaml has; people get English there",
                fix: "add them in this language")
        }
        if let reference, reference.code != pack.code {
            let have = Set(pack.intents.map(\.id))
            for intent in reference.intents where !have.contains(intent.id) {
                sink.warning(
                    file, SourceLocation(line: 1, column: 1),
                    "intent '\(intent.id)' of \(reference.code).yaml is missing in this language",
                    fix: "add it, so that people writing \(pack.name) get that answer too")
            }
        }
        let stopwords = Set(pack.stopwords.flatMap { Normalizer.shared.tokens($0) })
        var keywordOwners: [String: String] = [:]
        for intent in pack.intents {
            let length = composer.render(intent.answer, in: pack).count
            if let limit = Self.channelLimits.first(where: { length > $0.characters }) {
                let channels = Self.channelLimits.filter { length > $0.characters }.map { "\($0.channel) \($0.characters)" }
                sink.warning(
                    file, intent.location,
                    "the answer of '\(intent.id)' has \(length) characters, more than \(channels.joined(separator: ", "))",
                    fix: "shorten it below \(limit.characters) characters or it is split into several messages there")
            }
            for button in composer.buttons(intent.buttons, in: pack) where button.label.count > Self.whatsAppButtonTitle {
                sink.warning(
                    file, intent.location,
                    "the button '\(button.label)' of '\(intent.id)' has \(button.label.count) characters; WhatsApp shows at most \(Self.whatsAppButtonTitle)",
                    fix: button.kind == .intent ? "shorten the title of '\(button.value)'" : "shorten its label")
            }
            if intent.buttons.count > Self.whatsAppListRows {
                sink.warning(
                    file, intent.location,
                    "'\(intent.id)' has \(intent.buttons.count) buttons; WhatsApp shows 3 buttons, or a list of at most \(Self.whatsAppListRows)",
                    fix: "keep the most useful \(Self.whatsAppListRows)")
            }
            for keyword in intent.keywords {
                let tokens = Normalizer.shared.tokens(keyword.text)
                let key = tokens.joined(separator: " ")
                if let owner = keywordOwners[key], owner != intent.id {
                    sink.warning(
                        file, keyword.location, "the keyword '\(keyword.text)' is also a keyword of '\(owner)'",
                        fix: "keep it in one intent, or make it more specific (a phrase of two words)")
                } else {
                    keywordOwners[key] = intent.id
                }
                if tokens.count == 1, stopwords.contains(tokens[0]) {
                    sink.warning(
                        file, keyword.location, "the keyword '\(keyword.text)' is also a stopword",
                        fix: "remove it from 'stopwords' or from the keywords")
                }
            }
        }
        for (id, label) in pack.linkLabels.sorted(by: { $0.key < $1.key }) where label.count > Self.whatsAppButtonTitle {
            sink.warning(
                file, SourceLocation(line: 1, column: 1),
                "the link label '\(label)' of '\(id)' has \(label.count) characters; WhatsApp shows at most \(Self.whatsAppButtonTitle)",
                fix: "shorten it")
        }
        for id in Set(pack.intents.flatMap { $0.buttons }).compactMap({ target -> String? in
            if case .link(let id) = target { return id } else { return nil }
        }).sorted() where pack.linkLabels[id] == nil {
            sink.warning(
                file, SourceLocation(line: 1, column: 1), "link '\(id)' is used on a button but has no label in 'link-labels'",
                fix: "add '\(id): <button text>' under link-labels")
        }
    }
}
