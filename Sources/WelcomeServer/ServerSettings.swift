import Foundation

/// Everything `welcomebot serve` needs to know, already validated. Reading it from the
/// configuration file, the environment and flags is the command's job.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Where the database and the pseudonym key file live.
    public var dataDirectory = "data"
    public var intentsDirectory = "Intents"
    /// Webhook and API bodies larger than this are refused with 413 before they are read whole.
    public var maximumBodyBytes = 64 * 1024
    /// The pseudonym key (hex or base64) when it comes from the environment; else a key file in
    /// the data folder is used, and created on first start.
    public var pseudonymKey: String?
    /// Telegram is on when this is set.
    public var telegram: TelegramSettings?

    public init() {}

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("welcomebot.sqlite") }
    public var keyFilePath: String { (dataDirectory as NSString).appendingPathComponent("pseudonym.key") }
}

/// The Telegram channel's settings; the channel is on when both secrets are set.
public struct TelegramSettings: Sendable {
    public var botToken: String
    public var secretToken: String
    public var apiBaseURL: String
    /// Long polling instead of the webhook, for a bot without a public HTTPS address.
    public var polling: Bool

    public init(botToken: String, secretToken: String, apiBaseURL: String = "https://api.telegram.org", polling: Bool = false) {
        self.botToken = botToken
        self.secretToken = secretToken
        self.apiBaseURL = apiBaseURL
        self.polling = polling
    }
}
