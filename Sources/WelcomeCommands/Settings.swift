import Configuration
import Foundation
import Logging
import Messengers
import Persistence
import WelcomeCore
import WelcomeServer
import Yams

/// Reads the server's settings: flags over environment variables over `Config/welcomebot.yaml`
/// over built-in defaults. Secrets are read from the environment (or a file it names) only, so
/// they never sit in a file under version control and never appear in a printed setting.
struct SettingsReader {
    /// Values from flags, as configuration keys (`http.port`).
    var flags: [String: String] = [:]
    var configFile = "Config/welcomebot.yaml"
    var environment = SettingsReader.environmentOverride ?? ProcessInfo.processInfo.environment

    /// Replaces the process environment for commands run in-process by tests.
    @TaskLocal static var environmentOverride: [String: String]?

    /// The keys that are secrets, with their environment variables.
    static let secrets = [
        "TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "PSEUDONYM_KEY",
        "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_APP_SECRET_PREVIOUS", "WHATSAPP_VERIFY_TOKEN",
        "MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_APP_SECRET_PREVIOUS", "MESSENGER_VERIFY_TOKEN",
        "VIBER_AUTH_TOKEN", "VIBER_AUTH_TOKEN_PREVIOUS",
        "TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN_PREVIOUS", "ADMIN_TOKEN", "METRICS_TOKEN", "DATABASE_URL",
    ]

    func read() throws -> ServerSettings {
        let fileValues = try Self.flatten(configFile: configFile)
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: Self.values(flags)),
            EnvironmentVariablesProvider(environmentVariables: environment.filter { !Self.secrets.contains($0.key) }),
            InMemoryProvider(name: configFile, values: Self.values(fileValues)),
        ])
        var settings = ServerSettings()
        settings.host = reader.string(forKey: "http.host", default: settings.host)
        settings.port = try integer(reader, "http.port", default: settings.port)
        settings.maximumBodyBytes = try integer(reader, "http.maximum.body.bytes", default: settings.maximumBodyBytes)
        settings.dataDirectory = reader.string(forKey: "data.directory", default: settings.dataDirectory)
        settings.intentsDirectory = reader.string(forKey: "intents.directory", default: settings.intentsDirectory)
        settings.pseudonymKey = try secret("PSEUDONYM_KEY")
        settings.adminToken = try secret("ADMIN_TOKEN")
        settings.metricsToken = try secret("METRICS_TOKEN")
        // A URL with a password: a secret, read from the environment only.
        settings.databaseURL = try secret("DATABASE_URL")
        if let url = settings.databaseURL {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw SettingsError("DATABASE_URL must start with postgres:// (PostgreSQL); leave it unset for SQLite")
            }
            // Every instance must turn a user id into the same pseudonym, so the key cannot be a
            // file each machine makes for itself.
            guard settings.pseudonymKey != nil else {
                throw SettingsError(
                    "with DATABASE_URL set, PSEUDONYM_KEY must be set too (the same on every instance): generate one with `openssl rand -hex 32`"
                )
            }
        }
        let questions = reader.string(forKey: "unanswered.questions", default: "discard").lowercased()
        guard questions == "keep" || questions == "discard" else {
            throw SettingsError("unanswered.questions (UNANSWERED_QUESTIONS) must be keep or discard, not '\(questions)'")
        }
        settings.keepsUnansweredQuestions = questions == "keep"
        settings.logLevel = reader.string(forKey: "log.level", default: settings.logLevel).lowercased()
        guard Logger.Level(rawValue: settings.logLevel) != nil else {
            throw SettingsError(
                "log.level (LOG_LEVEL) must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(settings.logLevel)'"
            )
        }
        settings.logFormat = reader.string(forKey: "log.format", default: settings.logFormat).lowercased()
        guard BotLogHandler.Format(rawValue: settings.logFormat) != nil else {
            throw SettingsError("log.format (LOG_FORMAT) must be json or human, not '\(settings.logFormat)'")
        }
        let lease = try integer(reader, "outbox.lease.seconds", default: 60)
        guard (1...3600).contains(lease) else {
            throw SettingsError("outbox.lease.seconds (OUTBOX_LEASE_SECONDS) must be 1 to 3600, not \(lease)")
        }
        settings.outbox.lease = .seconds(lease)
        let rate = try integer(reader, "outbox.messages.per.second", default: 30)
        guard (1...10_000).contains(rate) else {
            throw SettingsError("outbox.messages.per.second (OUTBOX_MESSAGES_PER_SECOND) must be 1 to 10000, not \(rate)")
        }
        settings.outbox.messagesPerSecond = Double(rate)
        let reload = try integer(reader, "intents.reload.interval", default: 2)
        guard reload >= 0 else {
            throw SettingsError(
                "intents.reload.interval (INTENTS_RELOAD_INTERVAL) must be 0 (off) or more seconds, not \(reload)")
        }
        settings.reloadInterval = reload == 0 ? nil : .seconds(reload)
        for (key, keyPath) in [
            ("retention.claims.days", \RetentionPolicy.claims), ("retention.conversations.days", \RetentionPolicy.conversations),
            ("retention.deliveries.days", \RetentionPolicy.deliveries),
            ("retention.dead.letters.days", \RetentionPolicy.deadLetters),
            ("retention.unanswered.questions.days", \RetentionPolicy.unansweredQuestions),
        ] {
            let days = try integer(reader, key, default: Int(settings.retention[keyPath: keyPath].components.seconds / 86_400))
            guard days >= 1 else {
                let variable = key.uppercased().replacingOccurrences(of: ".", with: "_")
                throw SettingsError("\(key) (\(variable)) must be at least 1 day, not \(days)")
            }
            settings.retention[keyPath: keyPath] = .seconds(days * 86_400)
        }
        let botToken = try secret("TELEGRAM_BOT_TOKEN")
        let secretToken = try secret("TELEGRAM_SECRET_TOKEN")
        switch (botToken, secretToken) {
        case (let botToken?, let secretToken?):
            let mode = reader.string(forKey: "telegram.mode", default: "webhook").lowercased()
            guard mode == "webhook" || mode == "polling" else {
                throw SettingsError("telegram.mode (TELEGRAM_MODE) must be webhook or polling, not '\(mode)'")
            }
            settings.telegram = TelegramSettings(
                botToken: botToken, secretToken: secretToken,
                apiBaseURL: reader.string(forKey: "telegram.api.base.url", default: "https://api.telegram.org"),
                polling: mode == "polling")
        case (nil, nil):
            break
        default:
            // Half a configuration is a mistake worth stopping for, not a silently missing channel.
            throw SettingsError("Telegram needs both TELEGRAM_BOT_TOKEN and TELEGRAM_SECRET_TOKEN; only one is set")
        }
        try readChannels(reader, into: &settings)
        guard (0...65535).contains(settings.port) else {
            throw SettingsError("http.port (HTTP_PORT) must be between 0 and 65535, not \(settings.port)")
        }
        guard settings.maximumBodyBytes >= 1024 else {
            throw SettingsError("http.maximum.body.bytes (HTTP_MAXIMUM_BODY_BYTES) must be at least 1024")
        }
        return settings
    }

    /// WhatsApp, Messenger, Viber and SMS: each is on when all its required values are set, off
    /// when none is, and a start-up error naming what is missing when only some are.
    private func readChannels(_ reader: ConfigReader, into settings: inout ServerSettings) throws {
        if let values = try required(
            "WhatsApp", secrets: ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"],
            settings: ["whatsapp.phone.number.id"], reader)
        {
            settings.whatsapp = WhatsAppSettings(
                accessToken: values[0], appSecrets: [values[1]] + (try secret("WHATSAPP_APP_SECRET_PREVIOUS").map { [$0] } ?? []),
                verifyToken: values[2], phoneNumberID: values[3],
                apiBaseURL: try url(reader, "whatsapp.api.base.url", default: "https://graph.facebook.com"),
                graphVersion: try graphVersion(reader, "whatsapp.graph.version"))
        }
        if let values = try required(
            "Messenger", secrets: ["MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN"], settings: [],
            reader)
        {
            settings.messenger = MessengerSettings(
                pageAccessToken: values[0],
                appSecrets: [values[1]] + (try secret("MESSENGER_APP_SECRET_PREVIOUS").map { [$0] } ?? []),
                verifyToken: values[2],
                apiBaseURL: try url(reader, "messenger.api.base.url", default: "https://graph.facebook.com"),
                graphVersion: try graphVersion(reader, "messenger.graph.version"))
        }
        if let values = try required("Viber", secrets: ["VIBER_AUTH_TOKEN"], settings: [], reader) {
            let name = reader.string(forKey: "viber.bot.name", default: "Willkommenszentrum Leipzig")
            guard (1...28).contains(name.count) else {
                throw SettingsError("viber.bot.name (VIBER_BOT_NAME) must be 1 to 28 characters, not \(name.count)")
            }
            settings.viber = ViberSettings(
                authTokens: [values[0]] + (try secret("VIBER_AUTH_TOKEN_PREVIOUS").map { [$0] } ?? []), botName: name,
                avatarURL: reader.string(forKey: "viber.avatar.url"),
                apiBaseURL: try url(reader, "viber.api.base.url", default: "https://chatapi.viber.com/pa"))
        }
        if let values = try required(
            "SMS (Twilio)", secrets: ["TWILIO_AUTH_TOKEN"],
            settings: ["twilio.account.sid", "twilio.phone.number", "twilio.public.url"], reader)
        {
            let mode = reader.string(forKey: "twilio.reply.mode", default: "api").lowercased()
            guard let replyMode = TwilioSettings.ReplyMode(rawValue: mode) else {
                throw SettingsError("twilio.reply.mode (TWILIO_REPLY_MODE) must be api or twiml, not '\(mode)'")
            }
            settings.sms = TwilioSettings(
                accountSID: values[1], authTokens: [values[0]] + (try secret("TWILIO_AUTH_TOKEN_PREVIOUS").map { [$0] } ?? []),
                phoneNumber: values[2], publicURL: try url(reader, "twilio.public.url", default: values[3]),
                apiBaseURL: try url(reader, "twilio.api.base.url", default: "https://api.twilio.com"), replyMode: replyMode)
        }
    }

    /// The values of a channel's secrets and settings in order, nil when none is set.
    private func required(_ channel: String, secrets: [String], settings keys: [String], _ reader: ConfigReader) throws
        -> [String]?
    {
        var values: [String] = []
        var missing: [String] = []
        for name in secrets {
            if let value = try secret(name) { values.append(value) } else { missing.append(name) }
        }
        for key in keys {
            if let value = reader.string(forKey: ConfigKey(key)), !value.isEmpty {
                values.append(value)
            } else {
                missing.append(key.uppercased().replacingOccurrences(of: ".", with: "_"))
            }
        }
        if missing.isEmpty { return values }
        if missing.count == secrets.count + keys.count { return nil }
        // Half a configuration is a mistake worth stopping for, not a silently missing channel.
        throw SettingsError("\(channel) is half configured: \(missing.joined(separator: ", ")) missing")
    }

    /// An absolute http(s) URL, or the start-up stops naming the key.
    private func graphVersion(_ reader: ConfigReader, _ key: String) throws -> String {
        let text = reader.string(forKey: ConfigKey(key), default: GraphEndpoint.defaultVersion)
        guard GraphEndpoint.isVersion(text) else {
            let variable = key.uppercased().replacingOccurrences(of: ".", with: "_")
            throw SettingsError(
                "\(key) (\(variable)) must be a Graph API version like \(GraphEndpoint.defaultVersion), not '\(text)'")
        }
        return text
    }

    private func url(_ reader: ConfigReader, _ key: String, default value: String) throws -> String {
        let text = reader.string(forKey: ConfigKey(key), default: value)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            let variable = key.uppercased().replacingOccurrences(of: ".", with: "_")
            throw SettingsError("\(key) (\(variable)) must be an absolute http or https URL, not '\(text)'")
        }
        return text
    }

    /// Every source gives text (a file, the environment, flags); numbers are parsed here, with
    /// an error naming the key rather than a silent default.
    private func integer(_ reader: ConfigReader, _ key: String, default value: Int) throws -> Int {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            let variable = key.uppercased().replacingOccurrences(of: ".", with: "_")
            throw SettingsError("\(key) (\(variable)) must be a whole number, not '\(text)'")
        }
        return number
    }

    /// A secret from `NAME`, or from the file named by `NAME_FILE` (as container secrets are mounted).
    func secret(_ name: String) throws -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let path = environment[name + "_FILE"], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("\(name)_FILE names \(path), which cannot be read")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func values(_ flat: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flat {
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: false)
        }
        return values
    }

    /// The YAML file as dotted keys (`http.port` → "8080"). A missing file is no error: the
    /// defaults apply. A broken one is, with its line.
    static func flatten(configFile path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        let node: Node?
        do {
            node = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch let error as YamlError {
            throw SettingsError("\(path) is not valid YAML: \(error)")
        }
        var result: [String: String] = [:]
        func walk(_ node: Node, _ prefix: [String]) throws {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    guard let name = key.scalar?.string else { continue }
                    try walk(value, prefix + [name])
                }
            case .scalar(let scalar):
                let key = prefix.joined(separator: ".")
                if secrets.contains(prefix.joined(separator: "_").uppercased()) {
                    throw SettingsError("\(path) sets the secret '\(key)'; secrets belong in the environment, not in a file")
                }
                result[key] = scalar.string
            case .sequence:
                result[prefix.joined(separator: ".")] = node.array().compactMap(\.scalar?.string).joined(separator: ",")
            }
        }
        if let node { try walk(node, []) }
        return result
    }
}

struct SettingsError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
