import ArgumentParser
import WelcomeCore

/// `welcomebot intents check`: finds every mistake in the intent files at once.
struct IntentsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the intent files for mistakes.",
        discussion: """
            Prints one line per problem: FILE:LINE:COLUMN, whether it is an error or a warning, \
            what is wrong and what to do. Errors stop the bot from using the files (a running bot \
            keeps the last good version); warnings are things to look at. Exits with 0 when there \
            are no errors and 1 otherwise. The lines are in German when the terminal's language \
            is (LANG=de_DE.UTF-8), else in English.
            """
    )

    @OptionGroup var options: IntentsOptions

    @Flag(name: .long, help: "Show errors only, no warnings.")
    var errorsOnly = false

    func run() throws {
        let result = CatalogLoader(directory: options.intents).load()
        let language = Terminal.staffLanguage
        for diagnostic in result.diagnostics where diagnostic.severity == .error || !errorsOnly {
            Terminal.print(diagnostic.description(in: language))
        }
        let errors = result.errors.count
        let warnings = result.warnings.count
        if let catalog = result.catalog {
            Terminal.print(
                StaffText(
                    "OK: \(catalog.languages.count) languages, \(catalog.intentCount) intents, \(warnings) warning\(warnings == 1 ? "" : "s").",
                    de:
                        "OK: \(catalog.languages.count) Sprachen, \(catalog.intentCount) Intents, \(warnings) \(warnings == 1 ? "Warnung" : "Warnungen")."
                ).text(in: language))
        } else {
            Terminal.print(
                StaffText(
                    "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"). Fix the errors and run this again.",
                    de:
                        "\(errors) Fehler, \(warnings) \(warnings == 1 ? "Warnung" : "Warnungen"). Beheben Sie die Fehler und starten Sie die Prüfung noch einmal."
                ).text(in: language))
            throw ExitCode(1)
        }
    }
}
