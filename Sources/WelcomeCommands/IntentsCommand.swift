import ArgumentParser

/// `welcomebot intents …`: the staff's tools for the intent files.
struct IntentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intents",
        abstract: "Check, test and export the intent files.",
        subcommands: [IntentsCheckCommand.self, IntentsTestCommand.self, IntentsDumpCommand.self]
    )
}
