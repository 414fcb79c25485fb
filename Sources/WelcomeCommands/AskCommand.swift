import ArgumentParser
import Foundation
import WelcomeCore

/// `welcomebot ask`: answers one message, as the bot would.
struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer one message, as the bot would, and show why.",
        discussion: """
            Without --lang the language is detected from the message. With --json prints one \
            object: language, intent (null when nothing matched), outcome, confidence (0–1), \
            reply (text and buttons), candidates and explanation.
            """
    )

    @OptionGroup var options: IntentsOptions

    @Option(name: .long, help: ArgumentHelp("The language the person chose (de, en, ar, uk, ru, fa, tr…).", valueName: "code"))
    var lang: String?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Argument(help: "The message, in quotes.")
    var text: [String]

    func validate() throws {
        if text.joined().trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("Write the message after 'ask', for example: welcomebot ask \"wann habt ihr offen?\"")
        }
    }

    func run() throws {
        let assistant = Assistant(catalog: try options.loadCatalog())
        var state = try options.startingState(language: lang, assistant: assistant)
        let answer: Answer
        do {
            answer = try assistant.respond(to: .text(text.joined(separator: " ")), state: &state, explain: true)
        } catch {
            Terminal.printError("Error: \(error)")
            throw ExitCode(1)
        }
        if json {
            Terminal.print(try JSONOutput.encode(AnswerJSON(answer)))
            return
        }
        Terminal.print(answer.reply.text)
        for (number, button) in answer.reply.buttons.enumerated() {
            Terminal.print(ChatCommand.describe(button, number: number + 1))
        }
        Terminal.print("")
        let staff = Terminal.staffLanguage
        Terminal.print(
            "[\(answer.language) · \(answer.intent ?? answer.outcome.rawValue) · \(staff == .german ? "Sicherheit" : "confidence") \(IntentsTestCommand.format(answer.confidence))]"
        )
        if let explanation = answer.explanation {
            for line in explanation.summary(in: staff).split(separator: "\n") { Terminal.print("  \(line)") }
        }
    }
}

/// The JSON shape of one answer, shared by `ask --json` and later the chat API: `intent` is
/// written as null when nothing matched, never left out.
struct AnswerJSON: Encodable {
    var answer: Answer

    init(_ answer: Answer) {
        self.answer = answer
    }

    enum Keys: String, CodingKey {
        case language, intent, outcome, confidence, reply, candidates, explanation
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(answer.language, forKey: .language)
        try container.encode(answer.intent, forKey: .intent)
        try container.encode(answer.outcome, forKey: .outcome)
        try container.encode((answer.confidence * 1000).rounded() / 1000, forKey: .confidence)
        try container.encode(answer.reply, forKey: .reply)
        try container.encode(answer.candidates, forKey: .candidates)
        try container.encode(answer.explanation, forKey: .explanation)
    }
}
