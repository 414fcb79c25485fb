import ArgumentParser
import Foundation
import Messengers
import OutboundHTTP
import WelcomeServer

/// `welcomebot webhook set|info|delete|check CHANNEL`: registers the bot's webhook with the
/// messengers that take it through their API (Telegram, Viber) and checks any channel's secrets
/// against the running server.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Register, inspect, remove or check a messenger's webhook.",
        subcommands: [WebhookSetCommand.self, WebhookInfoCommand.self, WebhookDeleteCommand.self, WebhookCheckCommand.self]
    )
}

/// The channels these commands know.
enum WebhookChannel: String, ExpressibleByArgument, CaseIterable {
    case telegram
    case whatsapp
    case messenger
    case viber
    case sms

    /// WhatsApp, Messenger and Twilio take their webhook address in their web consoles only.
    var consoleOnly: String? {
        switch self {
        case .whatsapp: "WhatsApp's webhook is set in the Meta App Dashboard (WhatsApp > Configuration)"
        case .messenger: "Messenger's webhook is set in the Meta App Dashboard (Messenger > Settings > Webhooks)"
        case .sms: "The SMS webhook is set in Twilio's console (Phone Numbers > your number > Messaging)"
        case .telegram, .viber: nil
        }
    }

    /// Stops with the console's name for the channels that have no API for it.
    func requireAPI() throws {
        if let consoleOnly {
            Terminal.printError(
                "Error: \(consoleOnly); README.md walks through it. Then run 'welcomebot webhook check \(rawValue)'.")
            throw ExitCode(1)
        }
    }
}

/// The Telegram API from the same settings `serve` uses (environment variables).
private func telegramAPI() throws -> (TelegramAPI, TelegramSettings) {
    let settings = try readSettings()
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

/// Calls a Viber REST method with the auth token and returns the answer, printing Viber's
/// `status_message` on failure.
private func viberCall(_ call: APICall) async throws -> [String: Any] {
    let settings = try readSettings()
    guard let viber = settings.viber else {
        Terminal.printError("Error: set VIBER_AUTH_TOKEN in the environment first.")
        throw ExitCode(1)
    }
    let client = CurlHTTPClient()
    defer { Task { await client.shutdown() } }
    let response: IncomingResponse
    do {
        response = try await client.perform(
            OutgoingRequest(
                url: "\(viber.apiBaseURL.trimmingSuffix("/"))/\(call.method)",
                headers: [("Content-Type", "application/json"), ("X-Viber-Auth-Token", viber.authTokens[0])], body: call.body))
    } catch {
        Terminal.printError("Error: Viber could not be reached: \(error)")
        throw ExitCode(1)
    }
    let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
    guard response.status == 200, json["status"] as? Int == 0 else {
        let status = json["status"].map { "status \($0)" } ?? "HTTP \(response.status)"
        Terminal.printError("Error: Viber answered \(status): \(json["status_message"] as? String ?? "no description")")
        throw ExitCode(1)
    }
    return json
}

struct WebhookSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Tell the messenger where to deliver messages.",
        discussion: """
            For Telegram: calls setWebhook with the public HTTPS address of /webhooks/telegram, \
            the secret token (TELEGRAM_SECRET_TOKEN) that Telegram then sends with every update, \
            and the update kinds the bot answers (message, callback_query). For Viber: calls \
            set_webhook with the address of /webhooks/viber and the events the bot reads; the bot \
            must already be running there, since Viber checks the address at once. WhatsApp, \
            Messenger and SMS are set in their web consoles (README); check them with \
            'welcomebot webhook check'.
            """
    )

    @Argument(help: "The messenger: telegram or viber (the others are set in their consoles).")
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
        try channel.requireAPI()
        if channel == .viber {
            // Viber calls the address at once with a signed `webhook` event: the server must be
            // running there with the same VIBER_AUTH_TOKEN, or Viber refuses.
            _ = try await viberCall(ViberAPI.setWebhook(url: url))
            Terminal.print("Viber delivers messages to \(url) now.")
            return
        }
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

    @Argument(help: "The messenger: telegram or viber (the others are set in their consoles).")
    var channel: WebhookChannel

    func run() async throws {
        try channel.requireAPI()
        if channel == .viber {
            let info = try await viberCall(APICall(method: "get_account_info", body: Data("{}".utf8)))
            let address = info["webhook"] as? String ?? ""
            Terminal.print("url: \(address.isEmpty ? "(not set)" : address)")
            Terminal.print("name: \(info["name"] as? String ?? "")")
            Terminal.print("subscribers: \(info["subscribers_count"] as? Int ?? 0)")
            return
        }
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

    @Argument(help: "The messenger: telegram or viber (the others are set in their consoles).")
    var channel: WebhookChannel

    func run() async throws {
        try channel.requireAPI()
        if channel == .viber {
            _ = try await viberCall(ViberAPI.setWebhook(url: ""))
            Terminal.print("Viber's webhook is removed.")
            return
        }
        let (api, _) = try telegramAPI()
        _ = try await call(api, "deleteWebhook", [:])
        Terminal.print("Telegram's webhook is removed.")
    }
}
