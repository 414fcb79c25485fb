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
            answered as it did. Exits with 1 when any example fails.
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
                let got =
                    result.intent
                    ?? (result.outcome == .ambiguous
                        ? "a question between \(result.candidates.prefix(2).map(\.intent).joined(separator: " and "))"
                        : "no intent")
                Terminal.print(
                    "\(pack.file):\(example.location.line):\(example.location.column): error: '\(example.text)' got \(got) (confidence \(Self.format(result.confidence))), expected \(expected ?? "no intent (out of scope)")"
                )
                if let explanation = result.explanation {
                    for line in explanation.summary.split(separator: "\n") { Terminal.print("    \(line)") }
                }
            }
        }
        Terminal.print("\(total - failed) of \(total) examples passed, \(failed) failed.")
        if failed > 0 { throw ExitCode(1) }
    }

    static func format(_ value: Double) -> String {
        String(Double(Int(value * 100)) / 100)
    }
}
