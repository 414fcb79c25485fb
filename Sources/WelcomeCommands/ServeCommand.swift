import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Persistence
import WelcomeCore
import WelcomeServer

/// `welcomebot serve`: the bot as a web service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the bot: the web chat, the chat API and the messenger webhooks.",
        discussion: """
            With no settings at all the web chat is at http://127.0.0.1:8080/, the database in \
            ./data and the answers from ./Intents. Settings come from Config/welcomebot.yaml, \
            environment variables over it, and these flags over both (README lists every key). \
            Stop with Ctrl-C or SIGTERM: requests in progress finish first.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The address to listen on (http.host).", valueName: "address"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp("The port to listen on (http.port).", valueName: "port"))
    var port: Int?

    @Option(name: .long, help: ArgumentHelp("The folder for the database and key (data.directory).", valueName: "folder"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The folder with the intent files (intents.directory).", valueName: "folder"))
    var intents: String?

    @Option(name: .long, help: ArgumentHelp("The settings file.", valueName: "file"))
    var config = "Config/welcomebot.yaml"

    func run() async throws {
        var reader = SettingsReader()
        reader.configFile = config
        if let host { reader.flags["http.host"] = host }
        if let port { reader.flags["http.port"] = String(port) }
        if let data { reader.flags["data.directory"] = data }
        if let intents { reader.flags["intents.directory"] = intents }
        let settings = try reader.readOrExit()
        // Every line goes through the bot's own handler and its one redaction point.
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        let format = BotLogHandler.Format(rawValue: settings.logFormat) ?? .json
        let logger = Logger(label: "welcomebot") { label in BotLogHandler(label: label, level: level, format: format) }
        let catalog = try IntentsOptions(intents: settings.intentsDirectory).loadCatalog()
        do {
            try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
            let key = try Pseudonymizer.loadKey(environmentValue: settings.pseudonymKey, keyFile: settings.keyFilePath)
            var services = BotServices(
                catalog: LiveCatalog(assistant: Assistant(catalog: catalog), directory: settings.intentsDirectory),
                store: try await openStore(settings, logger: logger), pseudonymizer: try Pseudonymizer(key: key),
                keepsUnansweredQuestions: settings.keepsUnansweredQuestions)
            services.retention = settings.retention
            let app = try buildApplication(settings: settings, services: services, sender: settings.outbox, logger: logger)
            Terminal.print("WelcomeBot: the web chat is at http://\(settings.host):\(settings.port)/ (Ctrl-C stops)")
            try await app.runService()
        } catch let error as PseudonymKeyError {
            Terminal.printError("Error: \(error)")
            throw ExitCode(1)
        }
    }
}
