import ArgumentParser
import Foundation
import Messengers
import OutboundHTTP
import WelcomeServer

/// `welcomebot webhook set|info|delete telegram`: registers the bot's webhook with the messenger.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Register, inspect or remove a messenger's webhook.",
        subcommands: [WebhookSetCommand.self, WebhookInfoCommand.self, WebhookDeleteCommand.self]
    )
}

/// The channels these commands know.
enum WebhookChannel: String, ExpressibleByArgument, CaseIterable {
    case telegram
}

/// The Telegram API from the same settings `serve` uses (environment variables).
private func telegramAPI() throws -> (TelegramAPI, TelegramSettings) {
    let settings: ServerSettings
    do {
        settings = try SettingsReader().read()
    } catch {
        Terminal.printError("Error: \(error)")
        throw ExitCode(1)
    }
    guard let telegram = settings.telegram else {
        Terminal.printError("Error: set TELEGRAM_BOT_TOKEN and TELEGRAM_SECRET_TOKEN in the environment first.")
        throw ExitCode(1)
    }
    do {
        return (try TelegramAPI(token: telegram.botToken, baseURL: telegram.apiBaseURL), telegram)
    } catch {
        Terminal.printError("Error: \(error)")
        throw ExitCode(1)
    }
}

/// Calls a Bot API method and returns its `result`, printing Telegram's description on failure.
private func call(_ api: TelegramAPI, _ method: String, _ parameters: [String: any Sendable]) async throws -> Any? {
    let client = CurlHTTPClient()
    defer { Task { await client.shutdown() } }
    let body = try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys])
    let response: IncomingResponse
    do {
        response = try await client.perform(
            OutgoingRequest(url: api.url(method), headers: [("Content-Type", "application/json")], body: body))
    } catch {
        Terminal.printError("Error: Telegram could not be reached: \(error)")
        throw ExitCode(1)
    }
    let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
    guard response.status == 200, json?["ok"] as? Bool == true else {
        Terminal.printError("Error: Telegram answered \(response.status): \(json?["description"] as? String ?? "no description")")
        throw ExitCode(1)
    }
    return json?["result"]
}

struct WebhookSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Tell the messenger where to deliver messages.",
        discussion: """
            For Telegram: calls setWebhook with the public HTTPS address of /webhooks/telegram, \
            the secret token (TELEGRAM_SECRET_TOKEN) that Telegram then sends with every update, \
            and the update kinds the bot answers (message, callback_query).
            """
    )

    @Argument(help: "The messenger: telegram.")
    var channel: WebhookChannel

    @Option(
        name: .long,
        help: ArgumentHelp("The public HTTPS address, e.g. https://bot.example.org/webhooks/telegram.", valueName: "url"))
    var url: String

    func validate() throws {
        guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil else {
            throw ValidationError("--url must be a full web address, like https://bot.example.org/webhooks/telegram")
        }
    }

    func run() async throws {
        let (api, telegram) = try telegramAPI()
        _ = try await call(
            api, "setWebhook",
            ["url": url, "secret_token": telegram.secretToken, "allowed_updates": ["message", "callback_query"]])
        Terminal.print("Telegram delivers updates to \(url) now.")
    }
}

struct WebhookInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show where the messenger delivers messages, and its last error.")

    @Argument(help: "The messenger: telegram.")
    var channel: WebhookChannel

    func run() async throws {
        let (api, _) = try telegramAPI()
        let info = try await call(api, "getWebhookInfo", [:]) as? [String: Any] ?? [:]
        let address = info["url"] as? String ?? ""
        Terminal.print("url: \(address.isEmpty ? "(none: long polling or not set)" : address)")
        Terminal.print("pending updates: \(info["pending_update_count"] as? Int ?? 0)")
        if let date = info["last_error_date"] as? Int {
            Terminal.print(
                "last error: \(Date(timeIntervalSince1970: TimeInterval(date))): \(info["last_error_message"] as? String ?? "")")
        }
        if let updates = info["allowed_updates"] as? [String] {
            Terminal.print("updates: \(updates.joined(separator: ", "))")
        }
    }
}

struct WebhookDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Stop the messenger delivering to the webhook.")

    @Argument(help: "The messenger: telegram.")
    var channel: WebhookChannel

    func run() async throws {
        let (api, _) = try telegramAPI()
        _ = try await call(api, "deleteWebhook", [:])
        Terminal.print("Telegram's webhook is removed.")
    }
}
