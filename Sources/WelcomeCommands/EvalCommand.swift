import ArgumentParser
import Foundation
import WelcomeCore

/// `welcomebot eval`: accuracy on a file of labelled questions.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure how many questions of a file get the right answer.",
        discussion: """
            FILE has one question per line: language, expected intent and text, separated by tabs. \
            '#' starts a comment line; '-' as the expected intent means the bot must not answer \
            with any intent. The language is the one the person chose; with --detect it is \
            ignored and detected from the text.
            """
    )

    @OptionGroup var options: IntentsOptions

    @Flag(name: .long, help: "Detect the language instead of using the first column.")
    var detect = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Flag(name: .long, help: "List every question that got a wrong answer.")
    var failures = false

    @Argument(help: "The file of questions.")
    var file: String

    func run() throws {
        let catalog = try options.loadCatalog()
        let set: EvaluationSet
        do {
            set = try EvaluationSet(contentsOf: file)
        } catch {
            for diagnostic in error.diagnostics { Terminal.printError(diagnostic.description(in: Terminal.staffLanguage)) }
            throw ExitCode(1)
        }
        let problems = set.problems(against: catalog)
        guard problems.isEmpty else {
            for problem in problems { Terminal.printError(problem.description) }
            throw ExitCode(1)
        }
        let report = EvaluationReport(set: set, assistant: Assistant(catalog: catalog), detect: detect)
        if json {
            Terminal.print(try JSONOutput.encode(EvalJSON(report: report, order: catalog.languageOrder, failures: failures)))
            return
        }
        Terminal.print(
            "language  questions  in scope  correct  accuracy  out of scope  false matches\(detect ? "  language detected" : "")")
        for code in catalog.languageOrder {
            guard let tally = report.languages[code] else { continue }
            Terminal.print(row(code, tally))
        }
        Terminal.print(row("all", report.overall))
        if failures {
            for failure in report.failures {
                Terminal.print(
                    "\(file):\(failure.line): [\(failure.language)\(failure.detectedLanguage != failure.language ? "→\(failure.detectedLanguage)" : "")] expected \(failure.expected ?? "-"), got \(failure.got ?? "-") (\(IntentsTestCommand.format(failure.confidence))): \(failure.text)"
                )
            }
        }
    }

    private func row(_ name: String, _ tally: EvaluationReport.Tally) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        let accuracy = String(format: "%.1f %%", tally.accuracy * 100)
        var line =
            pad(name, 10) + pad(String(tally.total), 11) + pad(String(tally.inScope), 10)
            + pad(String(tally.correct), 9) + pad(accuracy, 10) + pad(String(tally.outOfScope), 14)
            + pad(String(tally.falseMatches), 15)
        if detect {
            line += String(format: "%.1f %%", Double(tally.languageCorrect) / Double(max(1, tally.total)) * 100)
        }
        return line
    }
}

/// The JSON shape of `eval --json`.
struct EvalJSON: Encodable {
    struct Tally: Encodable {
        var total: Int
        var inScope: Int
        var correct: Int
        var accuracy: Double
        var outOfScope: Int
        var falseMatches: Int
        var languageDetected: Double

        init(_ tally: EvaluationReport.Tally) {
            total = tally.total
            inScope = tally.inScope
            correct = tally.correct
            accuracy = (tally.accuracy * 10000).rounded() / 10000
            outOfScope = tally.outOfScope
            falseMatches = tally.falseMatches
            languageDetected =
                tally.total == 0 ? 0 : (Double(tally.languageCorrect) / Double(tally.total) * 10000).rounded() / 10000
        }
    }

    var total: Int
    var correct: Int
    var accuracy: Double
    var outOfScope: Int
    var falseMatches: Int
    var detect: Bool
    var languages: [String: Tally]
    var failures: [EvaluationReport.Failure]?

    init(report: EvaluationReport, order: [String], failures: Bool) {
        total = report.overall.total
        correct = report.overall.correct
        accuracy = Tally(report.overall).accuracy
        outOfScope = report.overall.outOfScope
        falseMatches = report.overall.falseMatches
        detect = report.detect
        languages = report.languages.mapValues(Tally.init)
        self.failures = failures ? report.failures : nil
    }
}
