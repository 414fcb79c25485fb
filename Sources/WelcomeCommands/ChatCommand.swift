import ArgumentParser
import Foundation
import WelcomeCore

/// `welcomebot chat`: a conversation in the terminal, buttons as numbered choices.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk to the bot in the terminal.",
        discussion: """
            Type a question and press Enter. Buttons are shown as numbered choices: type the \
            number (also in Arabic or Persian digits) to pick one. Type /lang to change the \
            language, /help for help, and /quit or press Ctrl-D to stop.
            """
    )

    @OptionGroup var options: IntentsOptions

    @Option(name: .long, help: ArgumentHelp("Start in this language (de, en, ar, uk, ru, fa, tr…).", valueName: "code"))
    var lang: String?

    @Flag(name: .long, help: "After each answer, show why the bot answered so.")
    var explain = false

    func run() throws {
        let assistant = Assistant(catalog: try options.loadCatalog())
        var state = try options.startingState(language: lang, assistant: assistant)
        show(try assistant.respond(to: .text("/start"), state: &state))
        while true {
            Terminal.prompt("> ")
            guard let line = Terminal.readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if ["/quit", "/exit", "/q"].contains(text.lowercased()) { break }
            do {
                show(try assistant.respond(to: .text(text), state: &state, explain: explain))
            } catch {
                Terminal.printError("Error: \(error)")
            }
        }
    }

    private func show(_ answer: Answer) {
        Terminal.print("")
        Terminal.print(answer.reply.text)
        for (number, button) in answer.reply.buttons.enumerated() {
            Terminal.print(Self.describe(button, number: number + 1))
        }
        if explain, let explanation = answer.explanation {
            for line in explanation.summary(in: Terminal.staffLanguage).split(separator: "\n") { Terminal.print("  · \(line)") }
        }
        Terminal.print("")
    }

    /// "  2. Address" for a choice, "  3. Book an appointment: https://…" for a link.
    static func describe(_ button: Button, number: Int) -> String {
        switch button.kind {
        case .link: "  \(number). \(button.label): \(button.value)"
        case .intent, .language: "  \(number). \(button.label)"
        }
    }
}
