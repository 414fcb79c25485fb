import Foundation

/// A file of labelled questions, `language<TAB>expected-intent<TAB>text` per line, `#` for
/// comments and `-` as the expected intent of a question the bot must not answer.
public struct EvaluationSet: Sendable {
    public struct Item: Sendable, Equatable {
        public var language: String
        /// nil for out of scope.
        public var expected: String?
        public var text: String
        public var line: Int
    }

    public var items: [Item]
    public var file: String

    public init(items: [Item], file: String = "") {
        self.items = items
        self.file = file
    }

    /// Parses the file, reporting every malformed line at once.
    public init(contentsOf path: String) throws(CatalogError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogError(diagnostics: [
                Diagnostic(
                    .error, file: path, line: 0, column: 0,
                    StaffText("the file cannot be read", de: "die Datei ist nicht lesbar"),
                    fix: StaffText("check the path", de: "prüfen Sie den Pfad"))
            ])
        }
        try self.init(text: String(decoding: data, as: UTF8.self), file: path)
    }

    public init(text: String, file: String) throws(CatalogError) {
        var items: [Item] = []
        var diagnostics: [Diagnostic] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty,
                !fields[2].trimmingCharacters(in: .whitespaces).isEmpty
            else {
                diagnostics.append(
                    Diagnostic(
                        .error, file: file, line: index + 1, column: 1,
                        StaffText(
                            "expected three fields separated by tabs: language, expected intent (or -), text",
                            de: "erwartet sind drei durch Tabulatoren getrennte Felder: Sprache, erwarteter Intent (oder -), Text"
                        ),
                        fix: StaffText(
                            "check that the separators are tabs, not spaces",
                            de: "prüfen Sie, ob die Trenner Tabulatoren sind, keine Leerzeichen")))
                continue
            }
            let expected = fields[1] == "-" ? nil : String(fields[1])
            items.append(Item(language: String(fields[0]), expected: expected, text: String(fields[2]), line: index + 1))
        }
        guard diagnostics.isEmpty else { throw CatalogError(diagnostics: diagnostics) }
        self.items = items
        self.file = file
    }

    /// Every example and out-of-scope question of a catalog, as an evaluation set.
    public init(examplesOf catalog: IntentCatalog) {
        var items: [Item] = []
        for code in catalog.languageOrder {
            guard let pack = catalog.languages[code] else { continue }
            for intent in pack.intents {
                for example in intent.examples {
                    items.append(Item(language: code, expected: intent.id, text: example.text, line: example.location.line))
                }
            }
            for example in pack.outOfScope {
                items.append(Item(language: code, expected: nil, text: example.text, line: example.location.line))
            }
        }
        self.items = items
        self.file = ""
    }

    /// Problems with the set against a catalog: unknown languages and intents.
    public func problems(against catalog: IntentCatalog) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for item in items {
            guard let pack = catalog.languages[item.language] else {
                diagnostics.append(
                    Diagnostic(
                        .error, file: file, line: item.line, column: 1,
                        StaffText("unknown language '\(item.language)'", de: "unbekannte Sprache '\(item.language)'"),
                        fix: StaffText(
                            "use one of: \(catalog.languageOrder.joined(separator: ", "))",
                            de: "nehmen Sie eine von: \(catalog.languageOrder.joined(separator: ", "))")))
                continue
            }
            if let expected = item.expected, pack.intent(expected) == nil {
                let close = Spelling.closest(to: expected, among: pack.intents.map(\.id))
                diagnostics.append(
                    Diagnostic(
                        .error, file: file, line: item.line, column: 1,
                        StaffText(
                            "'\(expected)' is not an intent of \(item.language)",
                            de: "'\(expected)' ist kein Intent von \(item.language)"),
                        fix: close.map { .didYouMean("'\($0)'") }
                            ?? StaffText(
                                "use an intent id or '-' for out of scope",
                                de: "nehmen Sie einen Intent-Namen oder '-' für Fragen, auf die es keine Antwort gibt")))
            }
        }
        return diagnostics
    }
}

/// The outcome of asking every question of an evaluation set.
public struct EvaluationReport: Sendable, Codable {
    public struct Tally: Sendable, Codable, Equatable {
        public var total = 0
        public var inScope = 0
        public var correct = 0
        public var outOfScope = 0
        /// Out-of-scope questions that got a confident intent.
        public var falseMatches = 0
        /// Out-of-scope questions answered with the fallback, as they should be.
        public var rejected = 0
        /// With detection: questions whose language was detected right.
        public var languageCorrect = 0

        /// Share of in-scope questions answered with the expected intent.
        public var accuracy: Double { inScope == 0 ? 0 : Double(correct) / Double(inScope) }
    }

    public struct Failure: Sendable, Codable, Equatable {
        public var line: Int
        public var language: String
        public var detectedLanguage: String
        public var expected: String?
        public var got: String?
        public var confidence: Double
        public var text: String
    }

    public var overall = Tally()
    public var languages: [String: Tally] = [:]
    public var failures: [Failure] = []
    public var detect = false

    /// Asks every question. With `detect`, the language column is ignored and detected.
    public init(set: EvaluationSet, assistant: Assistant, detect: Bool) {
        self.detect = detect
        for item in set.items {
            let result: Matcher.Result
            if detect {
                result = assistant.matcher.match(item.text)
            } else {
                result = assistant.matcher.match(item.text, language: item.language)
            }
            var tally = languages[item.language] ?? Tally()
            tally.total += 1
            overall.total += 1
            if result.language == item.language {
                tally.languageCorrect += 1
                overall.languageCorrect += 1
            }
            let good: Bool
            if let expected = item.expected {
                tally.inScope += 1
                overall.inScope += 1
                // Intent ids are the same in every language, so with detection a right topic in
                // a wrongly detected language still counts here; `languageCorrect` tells that apart.
                good = result.intent == expected
                if good {
                    tally.correct += 1
                    overall.correct += 1
                }
            } else {
                tally.outOfScope += 1
                overall.outOfScope += 1
                good = result.intent == nil
                if good {
                    tally.rejected += 1
                    overall.rejected += 1
                } else {
                    tally.falseMatches += 1
                    overall.falseMatches += 1
                }
            }
            languages[item.language] = tally
            if !good {
                failures.append(
                    Failure(
                        line: item.line, language: item.language, detectedLanguage: result.language, expected: item.expected,
                        got: result.intent, confidence: result.confidence, text: item.text))
            }
        }
    }
}
