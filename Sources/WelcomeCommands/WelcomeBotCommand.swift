import ArgumentParser
import Foundation
import WelcomeCore

/// `welcomebot`: the bot and the tools staff use to keep its answers right.
// ArgumentParser runs a root command asynchronously only when it carries this annotation.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct WelcomeBotCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "welcomebot",
        abstract: "WelcomeBot answers newcomers' questions for the Welcome Center, in their language.",
        discussion: """
            Staff: after changing a file in Intents/, run 'welcomebot intents check' and \
            'welcomebot intents test'. Try a question with 'welcomebot ask "your question"'.
            """,
        subcommands: [
            ServeCommand.self, WebhookCommand.self, IntentsCommand.self, AskCommand.self, ChatCommand.self, EvalCommand.self,
            BenchCommand.self, ForgetCommand.self,
        ]
    )

    public init() {}
}

/// The option every command that reads intent files has.
struct IntentsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The folder with the intent files.", valueName: "folder"))
    var intents: String = "Intents"

    init() {}

    init(intents: String) {
        self.intents = intents
    }

    /// Loads the catalog, printing every error (and warnings when asked); throws exit code 1
    /// when the files cannot be used.
    func loadCatalog(showWarnings: Bool = false) throws -> IntentCatalog {
        let result = CatalogLoader(directory: intents).load()
        for diagnostic in result.diagnostics where diagnostic.severity == .error || showWarnings {
            Terminal.printError(diagnostic.description(in: Terminal.staffLanguage))
        }
        guard let catalog = result.catalog else {
            let count = result.errors.count
            Terminal.printError(
                StaffText(
                    "The intent files have \(count) error\(count == 1 ? "" : "s"); run 'welcomebot intents check' for details.",
                    de: "Die Intent-Dateien haben \(count) Fehler; 'welcomebot intents check' zeigt sie genauer."
                ).text(in: Terminal.staffLanguage))
            throw ExitCode(1)
        }
        return catalog
    }
}

extension IntentsOptions {
    /// A conversation in the language the person chose with `--lang`, or a new one; an unknown
    /// language is an error that lists the available ones.
    func startingState(language: String?, assistant: Assistant) throws -> ConversationState {
        guard let language else { return ConversationState() }
        do {
            try assistant.validateLanguage(language)
        } catch {
            Terminal.printError("Error: \(error)")
            throw ExitCode(1)
        }
        return ConversationState(language: language, languageChosen: true)
    }
}

enum JSONOutput {
    /// Sorted keys and no escaped slashes: stable output that diff and jq read well.
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
