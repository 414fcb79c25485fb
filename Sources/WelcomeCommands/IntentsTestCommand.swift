import ArgumentParser
import WelcomeCore

/// `welcomebot intents test`: asks every example question and checks the answer.
struct IntentsTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Ask every example question and check that it gets its intent.",
        discussion: """
            Each example under an intent must get that intent; each 'out-of-scope' question must \
            get no intent. Failures are printed with where the example is written and why the bot \
            answered as it did. Exits with 1 when any example fails. In German when the \
            terminal's language is (LANG=de_DE.UTF-8), else in English.
            """
    )

    @OptionGroup var options: IntentsOptions

    @Option(name: .long, help: ArgumentHelp("Test only this language.", valueName: "code"))
    var lang: String?

    func run() throws {
        let catalog = try options.loadCatalog()
        let matcher = Matcher(catalog: catalog)
        if let lang, catalog.languages[lang] == nil {
            Terminal.printError("Unknown language '\(lang)'. Available: \(catalog.languageOrder.joined(separator: ", ")).")
            throw ExitCode(1)
        }
        let staff = Terminal.staffLanguage
        var total = 0
        var failed = 0
        for code in catalog.languageOrder where lang == nil || lang == code {
            guard let pack = catalog.languages[code] else { continue }
            var cases: [(example: Example, expected: String?)] = []
            for intent in pack.intents {
                cases += intent.examples.map { ($0, intent.id) }
            }
            cases += pack.outOfScope.map { ($0, nil) }
            for (example, expected) in cases {
                total += 1
                let result = matcher.match(example.text, language: code, explain: true)
                guard result.intent != expected else { continue }
                failed += 1
                let pair = result.candidates.prefix(2).map(\.intent)
                let got =
                    result.intent.map { StaffText($0, de: $0) }
                    ?? (result.outcome == .ambiguous
                        ? StaffText(
                            "a question between \(pair.joined(separator: " and "))",
                            de: "eine Rückfrage zwischen \(pair.joined(separator: " und "))")
                        : StaffText("no intent", de: "keinen Intent"))
                let wanted =
                    expected.map { StaffText($0, de: $0) }
                    ?? StaffText("no intent (out of scope)", de: "keinen Intent (keine Antwort vorgesehen)")
                let confidence = Self.format(result.confidence)
                let place = "\(pack.file):\(example.location.line):\(example.location.column): error: "
                Terminal.print(
                    place
                        + StaffText(
                            "'\(example.text)' got \(got.english) (confidence \(confidence)), expected \(wanted.english)",
                            de: "'\(example.text)' bekam \(got.german) (Sicherheit \(confidence)), erwartet war \(wanted.german)"
                        ).text(in: staff))
                if let explanation = result.explanation {
                    for line in explanation.summary(in: staff).split(separator: "\n") { Terminal.print("    \(line)") }
                }
            }
        }
        Terminal.print(
            StaffText(
                "\(total - failed) of \(total) examples passed, \(failed) failed.",
                de: "\(total - failed) von \(total) Beispielen bestanden, \(failed) nicht."
            ).text(in: staff))
        if failed > 0 { throw ExitCode(1) }
    }

    static func format(_ value: Double) -> String {
        String(Double(Int(value * 100)) / 100)
    }
}
