import Foundation
import Yams

/// The outcome of reading an intents folder: a catalog when there are no errors, and every
/// problem found either way.
public struct CatalogLoadResult: Sendable {
    public var catalog: IntentCatalog?
    public var diagnostics: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// Reads and validates an intents folder: `facts.yaml` and one `<language>.yaml` per language.
public struct CatalogLoader: Sendable {
    public static let factsFileName = "facts.yaml"

    /// The folder, as the user named it; diagnostics name files relative to it.
    public var directory: String
    /// The language every other language is compared with.
    public var referenceLanguage: String
    /// "Today", for the age of "verified" dates; injectable for tests.
    public var today: CalendarDay

    public init(directory: String, referenceLanguage: String = "de", today: CalendarDay = CalendarDay(Date())) {
        self.directory = directory
        self.referenceLanguage = referenceLanguage
        self.today = today
    }

    /// Reads everything and reports all problems at once.
    public func load() -> CatalogLoadResult {
        var diagnostics: [Diagnostic] = []
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(
                Diagnostic(
                    .error, file: directory, line: 0, column: 0,
                    StaffText("the intents folder does not exist", de: "den Ordner mit den Intent-Dateien gibt es nicht"),
                    fix: StaffText(
                        "pass the folder with --intents, or run the command from the project folder",
                        de: "geben Sie den Ordner mit --intents an, oder starten Sie den Befehl im Projektordner")))
            return CatalogLoadResult(catalog: nil, diagnostics: diagnostics)
        }
        let names = ((try? fileManager.contentsOfDirectory(atPath: directory)) ?? []).sorted()

        let factsPath = path(Self.factsFileName)
        var facts = Facts()
        if names.contains(Self.factsFileName) {
            var reader = FactsReader(file: factsPath, today: today)
            facts = reader.read(
                data: fileManager.contents(atPath: (directory as NSString).appendingPathComponent(Self.factsFileName)) ?? Data())
            diagnostics += reader.yaml.sink.diagnostics
        } else {
            diagnostics.append(
                Diagnostic(
                    .error, file: factsPath, line: 0, column: 0,
                    StaffText("the facts file is missing", de: "die Fakten-Datei fehlt"),
                    fix: StaffText(
                        "restore \(Self.factsFileName) from the last good version (git)",
                        de: "stellen Sie die letzte gute Fassung von \(Self.factsFileName) wieder her (git)")))
        }

        var languages: [String: LanguagePack] = [:]
        var languageFiles: [(code: String, file: String)] = []
        for name in names where name != Self.factsFileName && (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) {
            let file = path(name)
            let code = String(name.prefix { $0 != "." })
            guard Self.isLanguageCode(code) else {
                diagnostics.append(
                    Diagnostic(
                        .error, file: file, line: 0, column: 0,
                        StaffText(
                            "'\(name)' is not named after a language code",
                            de: "der Name '\(name)' ist kein Sprachcode"),
                        fix: StaffText(
                            "name language files like de.yaml or en.yaml; move other files out of this folder",
                            de:
                                "benennen Sie Sprachdateien wie de.yaml oder en.yaml; verschieben Sie andere Dateien aus diesem Ordner"
                        )))
                continue
            }
            let data = fileManager.contents(atPath: (directory as NSString).appendingPathComponent(name)) ?? Data()
            var reader = LanguageReader(file: file, expectedCode: code, facts: facts)
            if let pack = reader.read(data: data) {
                languages[code] = pack
                languageFiles.append((code, file))
            }
            diagnostics += reader.yaml.sink.diagnostics
        }
        if languages.isEmpty && !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics.append(
                Diagnostic(
                    .error, file: directory, line: 0, column: 0,
                    StaffText("there is no language file in the folder", de: "im Ordner ist keine Sprachdatei"),
                    fix: StaffText(
                        "add at least one, for example de.yaml (see Intents/README.md)",
                        de: "legen Sie mindestens eine an, zum Beispiel de.yaml (siehe Intents/README.md)")))
        }

        // Checks across files.
        var crossSink = DiagnosticSink()
        for (code, pack) in languages {
            for intent in pack.intents {
                for case .language(let target) in intent.buttons where languages[target] == nil {
                    crossSink.warning(
                        pack.file, intent.location,
                        StaffText(
                            "intent '\(intent.id)' has a button for language '\(target)', which has no file; the button is left out",
                            de:
                                "Intent '\(intent.id)' hat einen Button für die Sprache '\(target)', für die es keine Datei gibt; der Button wird weggelassen"
                        ),
                        fix: StaffText(
                            "add \(target).yaml or remove 'lang.\(target)'",
                            de: "legen Sie \(target).yaml an oder entfernen Sie 'lang.\(target)'"))
                }
            }
            _ = code
        }
        diagnostics += crossSink.diagnostics
        let reference =
            languages[referenceLanguage] != nil ? referenceLanguage : (languages.keys.sorted().first ?? referenceLanguage)
        if diagnostics.contains(where: { $0.severity == .error }) {
            return CatalogLoadResult(catalog: nil, diagnostics: diagnostics.sorted())
        }
        var catalog = IntentCatalog(facts: facts, languages: languages, referenceLanguage: reference, warnings: [])
        diagnostics += CatalogLinter(catalog: catalog, today: today).warnings()
        diagnostics.sort()
        catalog.warnings = diagnostics.filter { $0.severity == .warning }
        return CatalogLoadResult(catalog: catalog, diagnostics: diagnostics)
    }

    private func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// `de`, `en`, `fa`, `ckb`, `pt-BR`, `zh-Hant`.
    static func isLanguageCode(_ code: String) -> Bool {
        code.range(of: #"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"#, options: .regularExpression) != nil
    }
}

extension IntentCatalog {
    /// Loads and validates a folder; throws every error found, keeps warnings on the catalog.
    public static func load(from directory: String, today: CalendarDay = CalendarDay(Date())) throws(CatalogError)
        -> IntentCatalog
    {
        let result = CatalogLoader(directory: directory, today: today).load()
        guard let catalog = result.catalog else { throw CatalogError(diagnostics: result.diagnostics) }
        return catalog
    }
}

// MARK: - facts.yaml

struct FactsReader {
    var yaml: YAMLReader
    let today: CalendarDay

    init(file: String, today: CalendarDay) {
        self.yaml = YAMLReader(file: file)
        self.today = today
    }

    static let sections = ["places", "links", "partners", "numbers"]
    static let placeFields = ["name", "address", "phone", "email", "web", "transport", "hours", "verified", "note"]
    static let partnerFields = ["name", "address", "phone", "email", "web", "verified", "note"]
    static let linkFields = ["url", "fallback", "verified", "note"]

    mutating func read(data: Data) -> Facts {
        var facts = Facts()
        facts.file = yaml.file
        guard let root = yaml.parse(data) else { return facts }
        let sections = yaml.fields(
            root, StaffText("the facts file", de: "die Fakten-Datei"), allowed: Self.sections, required: [])
        if let places = sections["places"] {
            for entry in yaml.mapping(places.value, StaffText("places", de: "'places'")) ?? [] {
                if let record = record(
                    entry.value, id: entry.key, at: entry.at, allowed: Self.placeFields,
                    what: StaffText("place '\(entry.key)'", de: "Ort '\(entry.key)'"))
                {
                    facts.places[entry.key] = record
                }
            }
        }
        if let partners = sections["partners"] {
            for entry in yaml.mapping(partners.value, StaffText("partners", de: "'partners'")) ?? [] {
                if let record = record(
                    entry.value, id: entry.key, at: entry.at, allowed: Self.partnerFields,
                    what: StaffText("partner '\(entry.key)'", de: "Partner '\(entry.key)'"))
                {
                    facts.partners[entry.key] = record
                }
            }
        }
        if let links = sections["links"] {
            for entry in yaml.mapping(links.value, StaffText("links", de: "'links'")) ?? [] {
                let fields = yaml.fields(
                    entry.value, StaffText("link '\(entry.key)'", de: "Link '\(entry.key)'"), allowed: Self.linkFields,
                    required: ["url"], owner: entry.at)
                guard let urlNode = fields["url"],
                    let url = yaml.text(
                        urlNode.value, StaffText("the url of link '\(entry.key)'", de: "'url' von Link '\(entry.key)'"))
                else {
                    continue
                }
                var link = Link(id: entry.key, url: url, location: entry.at)
                if !link.isPlaceholder { checkURL(url, at: urlNode.value) }
                if let fallback = fields["fallback"],
                    let text = yaml.text(
                        fallback.value,
                        StaffText("the fallback of link '\(entry.key)'", de: "'fallback' von Link '\(entry.key)'"))
                {
                    checkURL(text, at: fallback.value)
                    link.fallback = text
                }
                if let verified = fields["verified"] { link.verified = day(verified.value) }
                facts.links[entry.key] = link
            }
        }
        if let numbers = sections["numbers"] {
            for entry in yaml.mapping(numbers.value, StaffText("numbers", de: "'numbers'")) ?? [] {
                if let text = yaml.text(entry.value, StaffText("number '\(entry.key)'", de: "Nummer '\(entry.key)'")) {
                    facts.numbers[entry.key] = text
                }
            }
        }
        return facts
    }

    private mutating func record(_ node: Node, id: String, at: SourceLocation, allowed: [String], what: StaffText)
        -> FactRecord?
    {
        let fields = yaml.fields(node, what, allowed: allowed, required: ["name"], owner: at)
        var record = FactRecord(id: id, fields: [:], location: at)
        for (name, field) in fields where name != "hours" && name != "verified" {
            if let text = yaml.text(field.value, StaffText("'\(name)' of \(what.english)", de: "'\(name)' von \(what.german)")) {
                record.fields[name] = text
                if name == "web" { checkURL(text, at: field.value) }
            }
        }
        if let hours = fields["hours"] { record.hours = weeklyHours(hours.value, what: what) }
        if let verified = fields["verified"] { record.verified = day(verified.value) }
        return record
    }

    private mutating func weeklyHours(_ node: Node, what: StaffText) -> WeeklyHours? {
        guard
            let entries = yaml.mapping(
                node, StaffText("the opening hours of \(what.english)", de: "'hours' von \(what.german)"))
        else { return nil }
        var hours = WeeklyHours()
        for entry in entries {
            guard let dayIndex = WeeklyHours.dayNames.firstIndex(of: entry.key.lowercased()) else {
                let suggestion = Spelling.closest(to: entry.key, among: WeeklyHours.dayNames)
                yaml.sink.error(
                    yaml.file, entry.at,
                    StaffText("'\(entry.key)' is not a day of the week", de: "'\(entry.key)' ist kein Wochentag"),
                    fix: suggestion.map { .didYouMean("'\($0)'") }
                        ?? StaffText(
                            "write monday, tuesday, … sunday in English",
                            de: "schreiben Sie monday, tuesday, … sunday, auf Englisch"))
                continue
            }
            guard let text = yaml.text(entry.value, StaffText("the hours of \(entry.key)", de: "'\(entry.key)' in 'hours'"))
            else { continue }
            var ranges: [TimeRange] = []
            for part in text.split(separator: ",") {
                guard let range = TimeRange(parsing: part) else {
                    yaml.sink.error(
                        yaml.file, yaml.location(entry.value),
                        StaffText(
                            "'\(part.trimmingCharacters(in: .whitespaces))' is not a time range",
                            de: "'\(part.trimmingCharacters(in: .whitespaces))' ist keine Zeitspanne"),
                        fix: StaffText(
                            "write it like \"09:00-12:00\", several separated by commas; leave the day out when closed",
                            de:
                                "schreiben Sie sie wie \"09:00-12:00\", mehrere durch Kommas getrennt; lassen Sie geschlossene Tage weg"
                        ))
                    continue
                }
                ranges.append(range)
            }
            hours.days[dayIndex] = ranges
        }
        return hours
    }

    private mutating func day(_ node: Node) -> CalendarDay? {
        guard let text = yaml.text(node, StaffText("the date", de: "das Datum")) else { return nil }
        guard let day = CalendarDay(parsing: text) else {
            yaml.sink.error(
                yaml.file, yaml.location(node), StaffText("'\(text)' is not a date", de: "'\(text)' ist kein Datum"),
                fix: StaffText(
                    "write it as YYYY-MM-DD, for example 2026-03-01",
                    de: "schreiben Sie es als JJJJ-MM-TT, zum Beispiel 2026-03-01"))
            return nil
        }
        if day > today {
            yaml.sink.warning(
                yaml.file, yaml.location(node),
                StaffText("the date \(text) is in the future", de: "das Datum \(text) liegt in der Zukunft"),
                fix: StaffText(
                    "write the day the facts were checked", de: "schreiben Sie den Tag, an dem die Angaben geprüft wurden"))
        }
        return day
    }

    private mutating func checkURL(_ text: String, at node: Node) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            url.host != nil
        else {
            yaml.sink.error(
                yaml.file, yaml.location(node),
                StaffText("'\(text)' is not a web address", de: "'\(text)' ist keine Webadresse"),
                fix: StaffText(
                    "write the full address starting with https://",
                    de: "schreiben Sie die vollständige Adresse, beginnend mit https://"))
            return
        }
    }
}

// MARK: - <language>.yaml

struct LanguageReader {
    var yaml: YAMLReader
    let expectedCode: String
    let facts: Facts

    init(file: String, expectedCode: String, facts: Facts) {
        self.yaml = YAMLReader(file: file)
        self.expectedCode = expectedCode
        self.facts = facts
    }

    static let topFields = [
        "language", "name", "direction", "weekdays", "texts", "menu", "link-labels", "stopwords", "intents", "out-of-scope",
    ]
    static let textFields = ["fallback", "did-you-mean", "closed", "as-of", "choose-language"]
    /// Texts of the "delete my data" conversation and the web chat's privacy line; a language
    /// without them gets English ones and a warning.
    static let optionalTextFields = [
        "delete-offer", "delete-confirm", "delete-yes", "deleted", "questions-kept", "privacy-notice", "privacy-notice-kept",
    ]
    static let intentFields = ["title", "keywords", "exclude", "answer", "buttons", "examples", "priority"]
    static let minimumExamples = 5

    mutating func read(data: Data) -> LanguagePack? {
        guard let root = yaml.parse(data) else { return nil }
        let top = yaml.fields(
            root, StaffText("the language file", de: "die Sprachdatei"), allowed: Self.topFields,
            required: ["language", "name", "weekdays", "texts", "intents"])
        let file = yaml.file

        var code = expectedCode
        if let node = top["language"], let text = yaml.text(node.value, .field("language")) {
            if text != expectedCode {
                yaml.sink.error(
                    file, yaml.location(node.value),
                    StaffText(
                        "the file says 'language: \(text)' but is named \(expectedCode).yaml",
                        de: "in der Datei steht 'language: \(text)', sie heißt aber \(expectedCode).yaml"),
                    fix: StaffText("make the two the same", de: "machen Sie beides gleich"))
            }
            code = expectedCode
        }
        let name = top["name"].flatMap { yaml.text($0.value, .field("name")) } ?? code
        var direction = Script.of(language: code) == .arabic ? TextDirection.rightToLeft : .leftToRight
        if let node = top["direction"], let text = yaml.text(node.value, .field("direction")) {
            if let value = TextDirection(rawValue: text.lowercased()) {
                direction = value
            } else {
                yaml.sink.error(
                    file, yaml.location(node.value),
                    StaffText(
                        "'direction' must be ltr or rtl, not '\(text)'", de: "'direction' muss ltr oder rtl sein, nicht '\(text)'"
                    ),
                    fix: StaffText(
                        "write rtl for Arabic and Persian, ltr otherwise",
                        de: "schreiben Sie rtl für Arabisch und Persisch, sonst ltr"))
            }
        }
        var weekdays = WeeklyHours.dayNames
        if let node = top["weekdays"], let list = yaml.textList(node.value, .field("weekdays")) {
            if list.count == 7 {
                weekdays = list.map(\.text)
            } else {
                yaml.sink.error(
                    file, yaml.location(node.value),
                    StaffText(
                        "'weekdays' has \(list.count) names but a week has 7",
                        de: "'weekdays' hat \(list.count) Namen, eine Woche hat aber 7"),
                    fix: StaffText(
                        "list the seven day names, Monday first", de: "nennen Sie die sieben Tagesnamen, Montag zuerst"))
            }
        }
        let texts = readTexts(top["texts"])

        var intents: [ReadIntent] = []
        if let node = top["intents"], let entries = yaml.mapping(node.value, .field("intents")) {
            for entry in entries {
                if let intent = readIntent(id: entry.key, at: entry.at, node: entry.value) {
                    intents.append(intent)
                }
            }
            if entries.isEmpty {
                yaml.sink.error(
                    file, yaml.location(node.value), StaffText("'intents' is empty", de: "'intents' ist leer"),
                    fix: StaffText("add at least one intent", de: "legen Sie mindestens einen Intent an"))
            }
        }
        let intentIDs = Set(intents.map(\.id))
        // Buttons can point at intents written further down, so they are checked once all are read.
        for intent in intents {
            for (index, button) in intent.buttons.enumerated() {
                checkButton(button, at: intent.buttonLocations[safe: index] ?? intent.location, intentIDs: intentIDs)
            }
        }

        var menu: [String] = []
        if let node = top["menu"], let list = yaml.textList(node.value, .field("menu")) {
            for item in list {
                if intentIDs.contains(item.text) {
                    menu.append(item.text)
                } else {
                    unknownIntent(item.text, at: item.at, intentIDs: intentIDs, what: StaffText("the menu", de: "'menu'"))
                }
            }
        } else {
            menu = Array(intents.prefix(6).map(\.id))
        }

        var linkLabels: [String: String] = [:]
        if let node = top["link-labels"], let entries = yaml.mapping(node.value, .field("link-labels")) {
            for entry in entries {
                if facts.links[entry.key] == nil && !facts.links.isEmpty {
                    let suggestion = Spelling.closest(to: entry.key, among: facts.links.keys)
                    yaml.sink.warning(
                        file, entry.at,
                        StaffText(
                            "'link-labels' names '\(entry.key)', which is not a link in facts.yaml",
                            de: "'link-labels' nennt '\(entry.key)', das in facts.yaml kein Link ist"),
                        fix: suggestion.map { .didYouMean("'\($0)'") }
                            ?? StaffText(
                                "remove it or add the link to facts.yaml",
                                de: "entfernen Sie es oder tragen Sie den Link in facts.yaml ein"))
                }
                if let text = yaml.text(
                    entry.value, StaffText("the label of '\(entry.key)'", de: "die Beschriftung von '\(entry.key)'"))
                {
                    linkLabels[entry.key] = text
                }
            }
        }

        var stopwords: [String] = []
        if let node = top["stopwords"], let list = yaml.textList(node.value, .field("stopwords")) {
            stopwords = list.map(\.text)
        }
        var outOfScope: [Example] = []
        if let node = top["out-of-scope"], let list = yaml.textList(node.value, .field("out-of-scope")) {
            outOfScope = list.map { Example($0.text, location: $0.at) }
        }

        guard let texts, !yaml.sink.hasErrors else { return nil }
        return LanguagePack(
            code: code, name: name, direction: direction, weekdays: weekdays, texts: texts, menu: menu,
            linkLabels: linkLabels, stopwords: stopwords, intents: intents.map(\.intent), outOfScope: outOfScope,
            file: file)
    }

    private mutating func readTexts(_ field: (at: SourceLocation, value: Node)?) -> LanguagePack.Texts? {
        guard let field else { return nil }
        let fields = yaml.fields(
            field.value, .field("texts"), allowed: Self.textFields + Self.optionalTextFields, required: Self.textFields,
            owner: field.at)
        func text(_ name: String) -> String? {
            fields[name].flatMap { yaml.text($0.value, .field("texts.\(name)")) }
        }
        guard let fallback = text("fallback"), let didYouMean = text("did-you-mean"), let closed = text("closed"),
            let asOf = text("as-of"), let chooseLanguage = text("choose-language")
        else { return nil }
        if !asOf.contains("{date}"), let node = fields["as-of"] {
            yaml.sink.error(
                yaml.file, yaml.location(node.value),
                StaffText(
                    "'as-of' must contain {date}, where the date of the facts goes",
                    de: "'as-of' muss {date} enthalten, dort steht dann das Datum der Angaben"),
                fix: StaffText(
                    "for example: \"As of {date}. Please check before you go.\"",
                    de: "zum Beispiel: \"Stand: {date}. Bitte prüfen Sie vor dem Besuch.\""))
        }
        var texts = LanguagePack.Texts(
            fallback: fallback, didYouMean: didYouMean, closed: closed, asOf: asOf, chooseLanguage: chooseLanguage)
        texts.missing = Self.optionalTextFields.filter { fields[$0] == nil }
        texts.location = field.at
        for (name, keyPath) in [
            ("delete-offer", \LanguagePack.Texts.deleteOffer), ("delete-confirm", \.deleteConfirm), ("delete-yes", \.deleteYes),
            ("deleted", \.deleted), ("questions-kept", \.questionsKept), ("privacy-notice", \.privacyNotice),
            ("privacy-notice-kept", \.privacyNoticeKept),
        ] {
            if fields[name] != nil, let value = text(name) { texts[keyPath: keyPath] = value }
        }
        for name in ["questions-kept", "privacy-notice-kept"] {
            if let node = fields[name], let value = text(name), !value.contains("{days}") {
                yaml.sink.error(
                    yaml.file, yaml.location(node.value),
                    StaffText(
                        "'texts.\(name)' must contain {days}, where the number of days questions are kept goes",
                        de: "'texts.\(name)' muss {days} enthalten, dort steht dann, wie viele Tage Fragen aufbewahrt werden"),
                    fix: StaffText(
                        "for example: \"… are kept {days} days without names or numbers.\"",
                        de: "zum Beispiel: \"… werden {days} Tage ohne Namen und Nummern aufbewahrt.\""))
            }
        }
        for (name, limit) in [("delete-offer", 20), ("delete-yes", 20)] {
            if let node = fields[name], let value = text(name), value.count > limit {
                yaml.sink.warning(
                    yaml.file, yaml.location(node.value),
                    StaffText(
                        "'texts.\(name)' has \(value.count) characters; WhatsApp cuts button titles at \(limit)",
                        de: "'texts.\(name)' hat \(value.count) Zeichen; WhatsApp kürzt Button-Titel auf \(limit)"),
                    fix: StaffText("shorten it to \(limit) characters", de: "kürzen Sie ihn auf \(limit) Zeichen"))
            }
        }
        return texts
    }

    /// An intent and the locations of its buttons (kept for diagnostics only).
    struct ReadIntent {
        var intent: Intent
        var buttonLocations: [SourceLocation]
        var id: String { intent.id }
        var buttons: [ButtonTarget] { intent.buttons }
        var location: SourceLocation { intent.location }
    }

    private mutating func readIntent(id: String, at: SourceLocation, node: Node) -> ReadIntent? {
        let file = yaml.file
        if id.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) == nil {
            yaml.sink.error(
                file, at,
                StaffText(
                    "the intent name '\(id)' may only have lower-case letters a–z, digits and '-'",
                    de: "der Intent-Name '\(id)' darf nur Kleinbuchstaben a–z, Ziffern und '-' enthalten"),
                fix: StaffText(
                    "rename it, for example 'opening-hours'; use the same name in every language",
                    de: "benennen Sie ihn um, zum Beispiel 'opening-hours'; nehmen Sie in jeder Sprache denselben Namen"))
        }
        let what = StaffText("intent '\(id)'", de: "Intent '\(id)'")
        func part(_ english: String, _ field: String) -> StaffText {
            StaffText("the \(english) of \(what.english)", de: "'\(field)' von \(what.german)")
        }
        let fields = yaml.fields(node, what, allowed: Self.intentFields, required: ["title", "keywords", "answer"], owner: at)
        let title = fields["title"].flatMap { yaml.text($0.value, part("title", "title")) } ?? id
        let keywords = phrases(fields["keywords"], what: part("keywords", "keywords"), required: true)
        let excludes = phrases(fields["exclude"], what: part("exclusions", "exclude"), required: false)
        var answer = AnswerTemplate(literal: "")
        if let node = fields["answer"], let text = yaml.text(node.value, part("answer", "answer")) {
            answer = template(text, node: node.value)
        }
        var buttons: [ButtonTarget] = []
        var buttonLocations: [SourceLocation] = []
        if let node = fields["buttons"], let list = yaml.textList(node.value, part("buttons", "buttons")) {
            for item in list {
                buttons.append(ButtonTarget(parsing: item.text))
                buttonLocations.append(item.at)
            }
        }
        var examples: [Example] = []
        if let node = fields["examples"], let list = yaml.textList(node.value, part("examples", "examples")) {
            examples = list.map { Example($0.text, location: $0.at) }
        }
        if examples.count < Self.minimumExamples {
            yaml.sink.warning(
                file, fields["examples"]?.at ?? at,
                StaffText(
                    "\(what.english) has \(examples.count) example\(examples.count == 1 ? "" : "s")",
                    de: "\(what.german) hat \(examples.count) \(examples.count == 1 ? "Beispiel" : "Beispiele")"),
                fix: StaffText(
                    "add at least \(Self.minimumExamples) questions as people write them; 'intents test' checks each",
                    de:
                        "ergänzen Sie mindestens \(Self.minimumExamples) Fragen, so wie Menschen sie schreiben; 'intents test' prüft jede"
                ))
        }
        var priority = Intent.Priority.normal
        if let node = fields["priority"], let text = yaml.text(node.value, part("priority", "priority")) {
            if let value = Intent.Priority(rawValue: text.lowercased()) {
                priority = value
            } else {
                yaml.sink.error(
                    yaml.file, yaml.location(node.value),
                    StaffText(
                        "the priority '\(text)' of \(what.english) is not known",
                        de: "\(what.german): die Priorität '\(text)' gibt es nicht"),
                    fix: StaffText(
                        "write 'low' (answered only when no other topic matches) or leave the field out",
                        de: "schreiben Sie 'low' (nur beantwortet, wenn kein anderes Thema passt) oder lassen Sie das Feld weg"))
            }
        }
        let intent = Intent(
            id: id, title: title, keywords: keywords, excludes: excludes, answer: answer, buttons: buttons,
            examples: examples, priority: priority, location: at)
        return ReadIntent(intent: intent, buttonLocations: buttonLocations)
    }

    private mutating func phrases(_ field: (at: SourceLocation, value: Node)?, what: StaffText, required: Bool) -> [Phrase] {
        guard let field else { return [] }
        guard let list = yaml.textList(field.value, what) else { return [] }
        if list.isEmpty && required {
            yaml.sink.error(
                yaml.file, yaml.location(field.value), StaffText("\(what.english) is empty", de: "\(what.german) ist leer"),
                fix: StaffText(
                    "add the words people write for this topic, for example [wohnung, flat, miete]",
                    de: "ergänzen Sie die Wörter, die Menschen zu diesem Thema schreiben, zum Beispiel [wohnung, flat, miete]"))
        }
        var result: [Phrase] = []
        for item in list {
            if Normalizer.shared.normalize(item.text).tokens.isEmpty {
                yaml.sink.error(
                    yaml.file, item.at,
                    StaffText(
                        "'\(item.text)' in \(what.english) has no letters or digits",
                        de: "\(what.german): '\(item.text)' hat keine Buchstaben oder Ziffern"),
                    fix: StaffText("remove it or write a word", de: "entfernen Sie es oder schreiben Sie ein Wort"))
                continue
            }
            result.append(Phrase(item.text, location: item.at))
        }
        return result
    }

    /// Splits an answer into text and `{fact}` references, checking each reference. `{{` and `}}`
    /// write literal braces.
    private mutating func template(_ text: String, node: Node) -> AnswerTemplate {
        var segments: [AnswerTemplate.Segment] = []
        var literal = ""
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "{" && index + 1 < scalars.count && scalars[index + 1] == "{" {
                literal.unicodeScalars.append("{")
                index += 2
                continue
            }
            if scalar == "}" && index + 1 < scalars.count && scalars[index + 1] == "}" {
                literal.unicodeScalars.append("}")
                index += 2
                continue
            }
            guard scalar == "{" else {
                literal.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            guard let close = scalars[index...].firstIndex(of: "}") else {
                yaml.sink.error(
                    yaml.file, yaml.location(inside: node, offset: index),
                    StaffText("a '{' in the answer is not closed", de: "eine '{' in der Antwort ist nicht geschlossen"),
                    fix: StaffText(
                        "close it with '}', or write '{{' for a brace",
                        de: "schließen Sie sie mit '}', oder schreiben Sie '{{' für eine geschweifte Klammer"))
                break
            }
            let name = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
            if let reference = resolve(name, at: yaml.location(inside: node, offset: index)) {
                if !literal.isEmpty { segments.append(.text(literal)) }
                literal = ""
                segments.append(.fact(reference))
            }
            index = close + 1
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        return AnswerTemplate(segments: segments)
    }

    private mutating func resolve(_ name: String, at: SourceLocation) -> FactReference? {
        let parts = name.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false).map(
            String.init)
        func fail(_ message: StaffText, _ fix: StaffText) -> FactReference? {
            yaml.sink.error(yaml.file, at, message, fix: fix)
            return nil
        }
        func suggest(_ word: String, _ candidates: some Sequence<String>, prefix: String) -> StaffText {
            if let close = Spelling.closest(to: word, among: candidates) { return .didYouMean("'{\(prefix)\(close)…}'") }
            let known = candidates.sorted().joined(separator: ", ")
            return StaffText("the known ones are: \(known)", de: "bekannt sind: \(known)")
        }
        func forExample(_ reference: String) -> StaffText {
            StaffText("for example \(reference)", de: "zum Beispiel \(reference)")
        }
        func notInFacts(_ english: String, _ german: String) -> StaffText {
            StaffText(
                "'{\(name)}' names \(english) that is not in facts.yaml",
                de: "'{\(name)}' nennt \(german), den es in facts.yaml nicht gibt")
        }
        func shouldBe(_ form: String) -> StaffText {
            StaffText("'{\(name)}' should be \(form)", de: "'{\(name)}' sollte so aussehen: \(form)")
        }
        guard let section = parts.first else { return nil }
        switch section {
        case "hours":
            guard parts.count == 2 else {
                return fail(shouldBe("{hours.PLACE}"), forExample("{hours.welcome-center}"))
            }
            guard let place = facts.places[parts[1]] else {
                return fail(notInFacts("a place", "einen Ort"), suggest(parts[1], facts.places.keys, prefix: "hours."))
            }
            guard place.hours != nil else {
                return fail(
                    StaffText(
                        "'{\(name)}': place '\(parts[1])' has no opening hours in facts.yaml",
                        de: "'{\(name)}': Ort '\(parts[1])' hat in facts.yaml keine Öffnungszeiten"),
                    StaffText(
                        "add 'hours:' to it or remove the reference",
                        de: "ergänzen Sie dort 'hours:' oder entfernen Sie den Verweis"))
            }
            return .hours(place: parts[1])
        case "places", "partners":
            let records = section == "places" ? facts.places : facts.partners
            guard parts.count == 3 else {
                return fail(
                    shouldBe("{\(section).ID.FIELD}"), forExample("{\(section).\(records.keys.sorted().first ?? "id").name}"))
            }
            guard let record = records[parts[1]] else {
                return fail(
                    section == "places" ? notInFacts("a place", "einen Ort") : notInFacts("a partner", "einen Partner"),
                    suggest(parts[1], records.keys, prefix: "\(section)."))
            }
            guard record.fields[parts[2]] != nil else {
                let close = Spelling.closest(to: parts[2], among: record.fields.keys)
                let known = record.fields.keys.sorted().joined(separator: ", ")
                return fail(
                    StaffText(
                        "'{\(name)}': '\(parts[1])' has no '\(parts[2])' in facts.yaml",
                        de: "'{\(name)}': '\(parts[1])' hat in facts.yaml kein '\(parts[2])'"),
                    close.map { .didYouMean("'{\(section).\(parts[1]).\($0)}'") }
                        ?? StaffText(
                            "add '\(parts[2]):' to it in facts.yaml, or use one of: \(known)",
                            de: "ergänzen Sie dort in facts.yaml '\(parts[2]):', oder nehmen Sie eins von: \(known)"))
            }
            return section == "places" ? .place(id: parts[1], field: parts[2]) : .partner(id: parts[1], field: parts[2])
        case "links", "numbers":
            guard parts.count == 2 else {
                let first = (section == "links" ? Array(facts.links.keys) : Array(facts.numbers.keys)).sorted().first ?? "id"
                return fail(shouldBe("{\(section).ID}"), forExample("{\(section).\(first)}"))
            }
            if section == "links" {
                guard facts.links[parts[1]] != nil else {
                    return fail(notInFacts("a link", "einen Link"), suggest(parts[1], facts.links.keys, prefix: "links."))
                }
                return .link(id: parts[1])
            }
            guard facts.numbers[parts[1]] != nil else {
                return fail(
                    StaffText(
                        "'{\(name)}' names a number that is not in facts.yaml",
                        de: "'{\(name)}' nennt eine Nummer, die es in facts.yaml nicht gibt"),
                    suggest(parts[1], facts.numbers.keys, prefix: "numbers."))
            }
            return .number(id: parts[1])
        default:
            let close = Spelling.closest(to: section, among: ["hours", "places", "partners", "links", "numbers"])
            return fail(
                StaffText("'{\(name)}' is not a known kind of fact", de: "'{\(name)}' ist keine bekannte Art von Angabe"),
                close.map { .didYouMean("'{\($0)…}'") }
                    ?? StaffText(
                        "use {hours.…}, {places.…}, {partners.…}, {links.…} or {numbers.…}; write '{{' for a brace",
                        de:
                            "nehmen Sie {hours.…}, {places.…}, {partners.…}, {links.…} oder {numbers.…}; schreiben Sie '{{' für eine geschweifte Klammer"
                    ))
        }
    }

    private mutating func checkButton(_ button: ButtonTarget, at: SourceLocation, intentIDs: Set<String>) {
        switch button {
        case .intent(let id):
            if !intentIDs.contains(id) {
                unknownIntent(id, at: at, intentIDs: intentIDs, what: StaffText("a button", de: "ein Button"))
            }
        case .link(let id):
            if facts.links[id] == nil && !facts.links.isEmpty {
                let close = Spelling.closest(to: id, among: facts.links.keys)
                yaml.sink.error(
                    yaml.file, at,
                    StaffText(
                        "the button 'link.\(id)' names a link that is not in facts.yaml",
                        de: "der Button 'link.\(id)' nennt einen Link, den es in facts.yaml nicht gibt"),
                    fix: close.map { .didYouMean("'link.\($0)'") }
                        ?? StaffText("add it to 'links' in facts.yaml", de: "tragen Sie ihn in facts.yaml unter 'links' ein"))
            }
        case .language(let code):
            if !CatalogLoader.isLanguageCode(code) {
                yaml.sink.error(
                    yaml.file, at,
                    StaffText("'lang.\(code)' is not a language button", de: "'lang.\(code)' ist kein Sprach-Button"),
                    fix: StaffText(
                        "write lang. and a language code, for example lang.ar",
                        de: "schreiben Sie lang. und einen Sprachcode, zum Beispiel lang.ar"))
            }
        }
    }

    private mutating func unknownIntent(_ id: String, at: SourceLocation, intentIDs: Set<String>, what: StaffText) {
        let close = Spelling.closest(to: id, among: intentIDs)
        yaml.sink.error(
            yaml.file, at,
            StaffText(
                "\(what.english) names intent '\(id)', which this file does not have",
                de: "\(what.german) nennt Intent '\(id)', den es in dieser Datei nicht gibt"),
            fix: close.map { .didYouMean("'\($0)'") }
                ?? StaffText(
                    "write the name of an intent, 'link.NAME' for a link or 'lang.CODE' for a language",
                    de: "schreiben Sie den Namen eines Intents, 'link.NAME' für einen Link oder 'lang.CODE' für eine Sprache"))
    }
}

// MARK: - One file from memory

extension CatalogLoader {
    /// Reads one file's bytes as the loader reads them from disk and returns the problems found:
    /// a language file (checked against `facts`) or, with `code` nil, a facts file. For the
    /// fuzzer and for tools that check a file before it is saved.
    public static func check(_ data: Data, languageCode code: String?, facts: Facts = Facts()) -> [Diagnostic] {
        guard let code else {
            var reader = FactsReader(file: factsFileName, today: CalendarDay(Date()))
            _ = reader.read(data: data)
            return reader.yaml.sink.diagnostics
        }
        var reader = LanguageReader(file: "\(code).yaml", expectedCode: code, facts: facts)
        _ = reader.read(data: data)
        return reader.yaml.sink.diagnostics
    }
}
