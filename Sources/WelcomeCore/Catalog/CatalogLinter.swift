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
                    StaffText(
                        "link '\(link.id)' is still a placeholder\(link.fallback == nil ? " and has no fallback, so its buttons are hidden" : "; people get its fallback meanwhile")",
                        de:
                            "Link '\(link.id)' ist noch ein Platzhalter\(link.fallback == nil ? " und hat kein 'fallback', deshalb werden seine Buttons nicht gezeigt" : "; bis dahin bekommen die Menschen sein 'fallback'")"
                    ),
                    fix: StaffText(
                        "write the real booking address into its 'url'",
                        de: "tragen Sie die echte Buchungsadresse in sein 'url' ein"))
            }
            stale(
                link.verified, what: StaffText("link '\(link.id)'", de: "von Link '\(link.id)'"), at: link.location,
                file: facts.file, &sink)
        }
        for record in (facts.places.values.sorted { $0.id < $1.id }) {
            stale(
                record.verified, what: StaffText("place '\(record.id)'", de: "von Ort '\(record.id)'"), at: record.location,
                file: facts.file, &sink)
        }
        for record in (facts.partners.values.sorted { $0.id < $1.id }) {
            stale(
                record.verified, what: StaffText("partner '\(record.id)'", de: "von Partner '\(record.id)'"),
                at: record.location, file: facts.file, &sink)
        }
    }

    /// `what` in German is written with its "von", as in "die Angaben von Ort 'x'".
    private func stale(_ day: CalendarDay?, what: StaffText, at: SourceLocation, file: String, _ sink: inout DiagnosticSink) {
        guard let day, day.days(until: today) > Self.staleAfterDays else { return }
        sink.warning(
            file, at,
            StaffText(
                "the facts of \(what.english) were last verified on \(day), more than a year ago",
                de: "die Angaben \(what.german) wurden zuletzt am \(day) geprüft, vor mehr als einem Jahr"),
            fix: StaffText(
                "check them (opening hours and links change) and set 'verified' to today's date",
                de: "prüfen Sie sie (Öffnungszeiten und Links ändern sich) und setzen Sie 'verified' auf das heutige Datum"))
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
                StaffText(
                    "'texts' has no \(lacking.map { "'\($0)'" }.joined(separator: ", ")), which \(catalog.referenceLanguage).yaml has; people get English there",
                    de:
                        "in 'texts' fehlt, was \(catalog.referenceLanguage).yaml hat: \(lacking.map { "'\($0)'" }.joined(separator: ", ")); dort lesen die Menschen Englisch"
                ),
                fix: StaffText("add them in this language", de: "ergänzen Sie sie in dieser Sprache"))
        }
        if let reference, reference.code != pack.code {
            let have = Set(pack.intents.map(\.id))
            for intent in reference.intents where !have.contains(intent.id) {
                sink.warning(
                    file, SourceLocation(line: 1, column: 1),
                    StaffText(
                        "intent '\(intent.id)' of \(reference.code).yaml is missing in this language",
                        de: "Intent '\(intent.id)' aus \(reference.code).yaml fehlt in dieser Sprache"),
                    fix: StaffText(
                        "add it, so that people writing \(pack.name) get that answer too",
                        de: "ergänzen Sie ihn, damit auch Menschen, die \(pack.name) schreiben, diese Antwort bekommen"))
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
                    StaffText(
                        "the answer of '\(intent.id)' has \(length) characters, more than \(channels.joined(separator: ", "))",
                        de: "die Antwort von '\(intent.id)' hat \(length) Zeichen, mehr als \(channels.joined(separator: ", "))"),
                    fix: StaffText(
                        "shorten it below \(limit.characters) characters or it is split into several messages there",
                        de:
                            "kürzen Sie sie auf unter \(limit.characters) Zeichen, sonst wird sie dort auf mehrere Nachrichten verteilt"
                    ))
            }
            for button in composer.buttons(intent.buttons, in: pack) where button.label.count > Self.whatsAppButtonTitle {
                sink.warning(
                    file, intent.location,
                    StaffText(
                        "the button '\(button.label)' of '\(intent.id)' has \(button.label.count) characters; WhatsApp shows at most \(Self.whatsAppButtonTitle)",
                        de:
                            "der Button '\(button.label)' von '\(intent.id)' hat \(button.label.count) Zeichen; WhatsApp zeigt höchstens \(Self.whatsAppButtonTitle)"
                    ),
                    fix: button.kind == .intent
                        ? StaffText("shorten the title of '\(button.value)'", de: "kürzen Sie 'title' von '\(button.value)'")
                        : StaffText("shorten its label", de: "kürzen Sie seine Beschriftung"))
            }
            if intent.buttons.count > Self.whatsAppListRows {
                sink.warning(
                    file, intent.location,
                    StaffText(
                        "'\(intent.id)' has \(intent.buttons.count) buttons; WhatsApp shows 3 buttons, or a list of at most \(Self.whatsAppListRows)",
                        de:
                            "'\(intent.id)' hat \(intent.buttons.count) Buttons; WhatsApp zeigt 3 Buttons oder eine Liste mit höchstens \(Self.whatsAppListRows)"
                    ),
                    fix: StaffText(
                        "keep the most useful \(Self.whatsAppListRows)",
                        de: "behalten Sie die \(Self.whatsAppListRows) nützlichsten"))
            }
            for keyword in intent.keywords {
                let tokens = Normalizer.shared.tokens(keyword.text)
                let key = tokens.joined(separator: " ")
                if let owner = keywordOwners[key], owner != intent.id {
                    sink.warning(
                        file, keyword.location,
                        StaffText(
                            "the keyword '\(keyword.text)' is also a keyword of '\(owner)'",
                            de: "das Schlüsselwort '\(keyword.text)' ist auch ein Schlüsselwort von '\(owner)'"),
                        fix: StaffText(
                            "keep it in one intent, or make it more specific (a phrase of two words)",
                            de: "behalten Sie es in einem Intent, oder machen Sie es genauer (eine Wendung aus zwei Wörtern)"))
                } else {
                    keywordOwners[key] = intent.id
                }
                if tokens.count == 1, stopwords.contains(tokens[0]) {
                    sink.warning(
                        file, keyword.location,
                        StaffText(
                            "the keyword '\(keyword.text)' is also a stopword",
                            de: "das Schlüsselwort '\(keyword.text)' ist auch ein Füllwort ('stopwords')"),
                        fix: StaffText(
                            "remove it from 'stopwords' or from the keywords",
                            de: "entfernen Sie es aus 'stopwords' oder aus 'keywords'"))
                }
            }
        }
        for (id, label) in pack.linkLabels.sorted(by: { $0.key < $1.key }) where label.count > Self.whatsAppButtonTitle {
            sink.warning(
                file, SourceLocation(line: 1, column: 1),
                StaffText(
                    "the link label '\(label)' of '\(id)' has \(label.count) characters; WhatsApp shows at most \(Self.whatsAppButtonTitle)",
                    de:
                        "die Link-Beschriftung '\(label)' von '\(id)' hat \(label.count) Zeichen; WhatsApp zeigt höchstens \(Self.whatsAppButtonTitle)"
                ),
                fix: StaffText("shorten it", de: "kürzen Sie sie"))
        }
        for id in Set(pack.intents.flatMap { $0.buttons }).compactMap({ target -> String? in
            if case .link(let id) = target { return id } else { return nil }
        }).sorted() where pack.linkLabels[id] == nil {
            sink.warning(
                file, SourceLocation(line: 1, column: 1),
                StaffText(
                    "link '\(id)' is used on a button but has no label in 'link-labels'",
                    de: "Link '\(id)' steht auf einem Button, hat aber keine Beschriftung in 'link-labels'"),
                fix: StaffText(
                    "add '\(id): <button text>' under link-labels",
                    de: "ergänzen Sie '\(id): <Button-Text>' unter link-labels"))
        }
    }
}
