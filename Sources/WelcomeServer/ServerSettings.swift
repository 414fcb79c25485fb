import Foundation
import Messengers
import Persistence

/// Everything `welcomebot serve` needs to know, already validated. Reading it from the
/// configuration file, the environment and flags is the command's job.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Where the database and the pseudonym key file live.
    public var dataDirectory = "data"
    /// `postgres://…`: the store is on PostgreSQL, shared by every instance; nil keeps SQLite
    /// in the data folder.
    public var databaseURL: String?
    public var intentsDirectory = "Intents"
    /// Webhook and API bodies larger than this are refused with 413 before they are read whole.
    public var maximumBodyBytes = 64 * 1024
    /// The pseudonym key (hex or base64) when it comes from the environment; else a key file in
    /// the data folder is used, and created on first start.
    public var pseudonymKey: String?
    /// The least important log lines written: trace, debug, info, notice, warning, error, critical.
    public var logLevel = "info"
    /// `json` (one object per line, for log collectors) or `human`.
    public var logFormat = "json"
    /// How long each kind of row is kept, and how often expired rows are deleted.
    public var retention = RetentionPolicy()
    public var purgeInterval: Duration = .seconds(3600)
    /// How often the intent files are looked at for changes; nil: only on SIGHUP and
    /// `POST /admin/reload`.
    public var reloadInterval: Duration? = .seconds(2)
    /// The bearer token of the admin endpoints and the dashboard; they are off when it is not set.
    public var adminToken: String?
    /// When set, `GET /metrics` wants it as a bearer token; else it is open (restrict it at the
    /// reverse proxy).
    public var metricsToken: String?
    /// Keep questions nothing answered, scrubbed of personal details, for staff (`UNANSWERED_QUESTIONS=keep`).
    public var keepsUnansweredQuestions = false
    /// How this instance sends replies: its lease on a claimed reply (after which another
    /// instance sends it, if this one died) and each channel's budget. With several instances,
    /// each sends at most `messagesPerSecond`: divide the messenger's limit by their number.
    public var outbox = OutboxSender.Settings()
    /// Each channel is on when its settings are set.
    public var telegram: TelegramSettings?
    public var whatsapp: WhatsAppSettings?
    public var messenger: MessengerSettings?
    public var viber: ViberSettings?
    public var sms: TwilioSettings?

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

/// WhatsApp Cloud API: on when the access token, app secret, verify token and phone number id
/// are set.
public struct WhatsAppSettings: Sendable {
    public var accessToken: String
    /// The app secret that signs webhooks; during a rotation the previous one is accepted too.
    public var appSecrets: [String]
    public var verifyToken: String
    public var phoneNumberID: String
    public var apiBaseURL: String
    /// The Graph API version the calls go to (`v25.0`): Meta retires each version about two
    /// years after it appears, so an operator can move on without a new release.
    public var graphVersion: String

    public init(
        accessToken: String, appSecrets: [String], verifyToken: String, phoneNumberID: String,
        apiBaseURL: String = "https://graph.facebook.com", graphVersion: String = GraphEndpoint.defaultVersion
    ) {
        self.accessToken = accessToken
        self.appSecrets = appSecrets
        self.verifyToken = verifyToken
        self.phoneNumberID = phoneNumberID
        self.apiBaseURL = apiBaseURL
        self.graphVersion = graphVersion
    }
}

/// Facebook Messenger: on when the page access token, app secret and verify token are set.
public struct MessengerSettings: Sendable {
    public var pageAccessToken: String
    public var appSecrets: [String]
    public var verifyToken: String
    public var apiBaseURL: String
    /// The Graph API version, as for WhatsApp.
    public var graphVersion: String

    public init(
        pageAccessToken: String, appSecrets: [String], verifyToken: String, apiBaseURL: String = "https://graph.facebook.com",
        graphVersion: String = GraphEndpoint.defaultVersion
    ) {
        self.pageAccessToken = pageAccessToken
        self.appSecrets = appSecrets
        self.verifyToken = verifyToken
        self.apiBaseURL = apiBaseURL
        self.graphVersion = graphVersion
    }
}

/// Viber: on when the auth token is set. The token both signs webhooks and authorises sends.
public struct ViberSettings: Sendable {
    /// The current token first; the previous one, during a rotation, is accepted on webhooks only.
    public var authTokens: [String]
    /// The sender name shown above every message (at most 28 characters).
    public var botName: String
    public var avatarURL: String?
    public var apiBaseURL: String

    public init(
        authTokens: [String], botName: String, avatarURL: String? = nil, apiBaseURL: String = "https://chatapi.viber.com/pa"
    ) {
        self.authTokens = authTokens
        self.botName = botName
        self.avatarURL = avatarURL
        self.apiBaseURL = apiBaseURL
    }
}

/// SMS through Twilio: on when the account SID, auth token, phone number and public URL are set.
public struct TwilioSettings: Sendable {
    public enum ReplyMode: String, Sendable, CaseIterable {
        /// Replies go through the outbox and the REST API: retried, with delivery statuses.
        case api
        /// Replies go back as TwiML in the webhook response: no outbox, no retries.
        case twiml
    }

    public var accountSID: String
    public var authTokens: [String]
    public var phoneNumber: String
    /// The webhook URL exactly as configured in Twilio's console (signatures cover it).
    public var publicURL: String
    public var apiBaseURL: String
    public var replyMode: ReplyMode

    public init(
        accountSID: String, authTokens: [String], phoneNumber: String, publicURL: String,
        apiBaseURL: String = "https://api.twilio.com", replyMode: ReplyMode = .api
    ) {
        self.accountSID = accountSID
        self.authTokens = authTokens
        self.phoneNumber = phoneNumber
        self.publicURL = publicURL
        self.apiBaseURL = apiBaseURL
        self.replyMode = replyMode
    }
}
