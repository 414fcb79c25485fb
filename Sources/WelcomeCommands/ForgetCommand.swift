import ArgumentParser
import Foundation
import Persistence
import WelcomeServer

/// `welcomebot forget --channel C --user ID`: erases what the bot keeps about one person, for
/// requests that reach staff by letter, e-mail or at the counter.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Delete everything the bot keeps about one person.",
        discussion: """
            Give the messenger and the person's id on it: for WhatsApp and SMS the phone number as \
            the messenger writes it (4915112345678, +4915112345678), for Telegram, Viber and \
            Messenger the user id. The bot stores no names or numbers, only a pseudonym made from \
            them with the key in the data folder (or PSEUDONYM_KEY), so the same key must be used \
            as by 'serve'. Deleted: the conversation's language and last choices, replies not yet \
            sent, and the records of replies sent. The chat history inside the messenger app is \
            not the bot's: the person deletes it there.
            """
    )

    @Option(
        name: .long, help: ArgumentHelp("The messenger: telegram, whatsapp, messenger, viber, sms or web.", valueName: "channel"))
    var channel: String

    @Option(name: .long, help: ArgumentHelp("The person's id on that messenger.", valueName: "id"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("The data folder of 'serve' (data.directory).", valueName: "folder"))
    var data: String?

    func validate() throws {
        let known = ["telegram", "whatsapp", "messenger", "viber", "sms", "web"]
        guard known.contains(channel) else {
            throw ValidationError("--channel must be one of \(known.joined(separator: ", ")), not '\(channel)'")
        }
        guard !user.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--user must not be empty") }
    }

    func run() async throws {
        var reader = SettingsReader()
        if let data { reader.flags["data.directory"] = data }
        let settings = try reader.readOrExit()
        // Without the key the pseudonym cannot be found; never make a new one here.
        guard settings.pseudonymKey != nil || FileManager.default.fileExists(atPath: settings.keyFilePath) else {
            Terminal.printError(
                "Error: no pseudonym key at \(settings.keyFilePath) and no PSEUDONYM_KEY: give --data the folder 'serve' uses.")
            throw ExitCode(1)
        }
        guard settings.databaseURL != nil || FileManager.default.fileExists(atPath: settings.databasePath) else {
            Terminal.printError("Error: no database at \(settings.databasePath): give --data the folder 'serve' uses.")
            throw ExitCode(1)
        }
        do {
            let key = try Pseudonymizer.loadKey(environmentValue: settings.pseudonymKey, keyFile: settings.keyFilePath)
            let pseudonymizer = try Pseudonymizer(key: key)
            let store = try await openStore(settings)
            var report = ForgetReport()
            // The number as the person gave it and as the messenger writes it (with and without '+').
            for id in Set(Self.forms(of: user, channel: channel)) {
                let found = try await store.forget(pseudonymizer.pseudonym(channel: channel, userID: id))
                report.conversations += found.conversations
                report.pendingReplies += found.pendingReplies
                report.deliveries += found.deliveries
                report.unansweredQuestions += found.unansweredQuestions
            }
            if report.total == 0 {
                Terminal.print("Nothing was stored for this person on \(channel).")
            } else {
                Terminal.print(
                    "Deleted for this person on \(channel): \(report.conversations) conversation state, "
                        + "\(report.pendingReplies) replies not yet sent, \(report.deliveries) delivery records, "
                        + "\(report.unansweredQuestions) unanswered questions.")
            }
            Terminal.print("The chat history inside the messenger app must be deleted there, by the person.")
        } catch {
            Terminal.printError("Error: \(error)")
            throw ExitCode(1)
        }
    }

    /// WhatsApp writes numbers without '+', Twilio with it; staff may type either.
    static func forms(of id: String, channel: String) -> [String] {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        guard channel == "whatsapp" || channel == "sms" else { return [trimmed] }
        let digits = trimmed.filter(\.isNumber)
        return [trimmed, digits, "+" + digits]
    }
}
