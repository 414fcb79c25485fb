import ArgumentParser
import Foundation
import WelcomeCore

/// `welcomebot bench …`: measurements that print figures.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the bot's speed.",
        subcommands: [BenchMatchCommand.self]
    )
}

/// `welcomebot bench match`: matching throughput on one core.
struct BenchMatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Measure how many messages per second one core matches.",
        discussion: """
            Matches questions round-robin on the calling thread for the given time, in the \
            language of each question (as after a person chose it), normalisation included. \
            By default the questions are the examples of the intent files; --questions takes a \
            file in the format of 'eval'. --synthetic-intents N adds N generated intents to every \
            language to show how the cost grows with the catalog.
            """
    )

    @OptionGroup var options: IntentsOptions

    @Option(name: .long, help: ArgumentHelp("A file of questions in the format of 'eval'.", valueName: "file"))
    var questions: String?

    @Option(name: .long, help: ArgumentHelp("Add this many generated intents to every language.", valueName: "n"))
    var syntheticIntents = 0

    @Option(name: .long, help: ArgumentHelp("How long to measure.", valueName: "seconds"))
    var seconds = 3.0

    @Flag(name: .long, help: "Detect the language of each question too.")
    var detect = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be between 0 and 600") }
        guard syntheticIntents >= 0, syntheticIntents <= 100_000 else {
            throw ValidationError("--synthetic-intents must be between 0 and 100000")
        }
    }

    func run() throws {
        var catalog = try options.loadCatalog()
        let set: EvaluationSet
        if let questions {
            do {
                set = try EvaluationSet(contentsOf: questions)
            } catch {
                for diagnostic in error.diagnostics { Terminal.printError(diagnostic.description(in: Terminal.staffLanguage)) }
                throw ExitCode(1)
            }
            let problems = set.problems(against: catalog).filter { $0.message.hasPrefix("unknown language") }
            guard problems.isEmpty else {
                for problem in problems { Terminal.printError(problem.description) }
                throw ExitCode(1)
            }
        } else {
            set = EvaluationSet(examplesOf: catalog)
        }
        guard !set.items.isEmpty else {
            Terminal.printError("There are no questions to match.")
            throw ExitCode(1)
        }
        if syntheticIntents > 0 {
            catalog = SyntheticIntents.adding(syntheticIntents, to: catalog)
        }
        let buildStart = ContinuousClock.now
        let matcher = Matcher(catalog: catalog)
        let buildTime = ContinuousClock.now - buildStart
        let items = set.items

        // Warm up, then measure in batches so that reading the clock costs nothing noticeable.
        var sink = 0
        for item in items.prefix(200) { sink &+= matcher.match(item.text, language: item.language).candidates.count }
        let limit = Duration.milliseconds(Int(seconds * 1000))
        let start = ContinuousClock.now
        var messages = 0
        var elapsed = Duration.zero
        var cursor = 0
        while elapsed < limit {
            for _ in 0..<256 {
                let item = items[cursor]
                let result = detect ? matcher.match(item.text) : matcher.match(item.text, language: item.language)
                sink &+= result.candidates.count
                cursor += 1
                if cursor == items.count { cursor = 0 }
            }
            messages += 256
            elapsed = ContinuousClock.now - start
        }
        let measured = elapsed.inSeconds
        let figures = BenchMatchFigures(
            messages: messages, seconds: (measured * 1000).rounded() / 1000,
            messagesPerSecond: (Double(messages) / measured).rounded(),
            microsecondsPerMessage: (measured / Double(messages) * 1e6 * 1000).rounded() / 1000,
            intents: catalog.intentCount, languages: catalog.languages.count, questions: items.count,
            syntheticIntentsPerLanguage: syntheticIntents, detect: detect,
            indexBuildSeconds: (buildTime.inSeconds * 1000).rounded() / 1000,
            checksum: sink)
        if json {
            Terminal.print(try JSONOutput.encode(figures))
        } else {
            Terminal.print(
                "\(figures.messages) messages in \(figures.seconds) s: \(Int(figures.messagesPerSecond)) messages/s (\(figures.microsecondsPerMessage) µs each) on one core; \(figures.intents) intents in \(figures.languages) languages, \(figures.questions) distinct questions\(detect ? ", language detected" : "")."
            )
        }
    }
}

struct BenchMatchFigures: Encodable {
    var messages: Int
    var seconds: Double
    var messagesPerSecond: Double
    var microsecondsPerMessage: Double
    var intents: Int
    var languages: Int
    var questions: Int
    var syntheticIntentsPerLanguage: Int
    var detect: Bool
    var indexBuildSeconds: Double
    /// Keeps the optimiser from dropping the work; meaningless otherwise.
    var checksum: Int
}

extension Duration {
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
