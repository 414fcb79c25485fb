import Foundation
import Messengers
import Testing

@testable import WelcomeCommands
@testable import WelcomeServer

@Suite("Channel settings: WhatsApp, Messenger, Viber and SMS")
struct ChannelSettingsTests {
    private func read(_ environment: [String: String]) throws -> ServerSettings {
        try SettingsReader(flags: [:], configFile: "/nonexistent.yaml", environment: environment).read()
    }

    private static let whatsapp = [
        "WHATSAPP_ACCESS_TOKEN": "token", "WHATSAPP_APP_SECRET": "secret", "WHATSAPP_VERIFY_TOKEN": "verify",
        "WHATSAPP_PHONE_NUMBER_ID": "1055",
    ]

    @Test("no settings: every channel is off")
    func off() throws {
        let settings = try read([:])
        #expect(settings.whatsapp == nil && settings.messenger == nil && settings.viber == nil && settings.sms == nil)
    }

    @Test("WhatsApp is on with its four values; the previous app secret joins during a rotation")
    func whatsappOn() throws {
        var environment = Self.whatsapp
        environment["WHATSAPP_APP_SECRET_PREVIOUS"] = "old-secret"
        let whatsapp = try #require(try read(environment).whatsapp)
        #expect(whatsapp.phoneNumberID == "1055")
        #expect(whatsapp.appSecrets == ["secret", "old-secret"])
        #expect(whatsapp.apiBaseURL == "https://graph.facebook.com")
    }

    @Test("half a configuration stops the start and names what is missing")
    func halfConfigured() {
        var environment = Self.whatsapp
        environment["WHATSAPP_VERIFY_TOKEN"] = nil
        #expect {
            try read(environment)
        } throws: { error in
            "\(error)" == "WhatsApp is half configured: WHATSAPP_VERIFY_TOKEN missing"
        }
        #expect {
            try read(["TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1"])
        } throws: { error in
            "\(error)" == "SMS (Twilio) is half configured: TWILIO_PHONE_NUMBER, TWILIO_PUBLIC_URL missing"
        }
    }

    @Test("the Graph API version: v25.0 by default, set per channel, and the calls go to it; a malformed one is refused")
    func graphVersion() throws {
        #expect(try read(Self.whatsapp).whatsapp?.graphVersion == "v25.0")
        var environment = Self.whatsapp
        environment["WHATSAPP_GRAPH_VERSION"] = "v26.0"
        let settings = try read(environment)
        #expect(settings.whatsapp?.graphVersion == "v26.0")
        let adapter = try #require(try messengerAdapters(settings).first as? WhatsAppAdapter)
        let request = adapter.request(for: APICall(method: adapter.api.messagesMethod, body: Data()))
        #expect(request.url == "https://graph.facebook.com/v26.0/1055/messages")
        environment["WHATSAPP_GRAPH_VERSION"] = "26"
        #expect {
            try read(environment)
        } throws: { error in
            "\(error)" == "whatsapp.graph.version (WHATSAPP_GRAPH_VERSION) must be a Graph API version like v25.0, not '26'"
        }
    }

    @Test("a base URL that is not an absolute web address is refused with its key")
    func badURL() {
        var environment = Self.whatsapp
        environment["WHATSAPP_API_BASE_URL"] = "graph.facebook.com"
        #expect {
            try read(environment)
        } throws: { error in
            "\(error)".hasPrefix("whatsapp.api.base.url (WHATSAPP_API_BASE_URL) must be an absolute http or https URL")
        }
    }

    @Test("Viber: the bot name is at most 28 characters; SMS: the reply mode is api or twiml")
    func viberAndSMS() throws {
        let viber = try #require(try read(["VIBER_AUTH_TOKEN": "v", "VIBER_BOT_NAME": "WZL Leipzig"]).viber)
        #expect(viber.botName == "WZL Leipzig")
        #expect(viber.authTokens == ["v"])
        #expect(throws: (any Error).self) {
            try read(["VIBER_AUTH_TOKEN": "v", "VIBER_BOT_NAME": String(repeating: "x", count: 29)])
        }
        let sms: [String: String] = [
            "TWILIO_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_PHONE_NUMBER": "+4934100",
            "TWILIO_PUBLIC_URL": "https://bot.example.org/webhooks/sms",
        ]
        #expect(try read(sms).sms?.replyMode == .api)
        #expect(try read(sms.merging(["TWILIO_REPLY_MODE": "TwiML"]) { $1 }).sms?.replyMode == .twiml)
        #expect {
            try read(sms.merging(["TWILIO_REPLY_MODE": "fax"]) { $1 })
        } throws: { error in
            "\(error)" == "twilio.reply.mode (TWILIO_REPLY_MODE) must be api or twiml, not 'fax'"
        }
    }

    @Test("a channel's secret in the settings file is refused")
    func secretInFile() throws {
        let path = NSTemporaryDirectory() + "welcomebot-config-" + UUID().uuidString + ".yaml"
        try Data("whatsapp:\n  app:\n    secret: oops\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: (any Error).self) {
            try SettingsReader(flags: [:], configFile: path, environment: [:]).read()
        }
    }
}

@Suite("Log and reload settings")
struct LogSettingsTests {
    @Test("log level and format are read and checked; the reload interval 0 turns polling off")
    func logAndReload() throws {
        let read = { (environment: [String: String]) in
            try SettingsReader(flags: [:], configFile: "/nonexistent.yaml", environment: environment).read()
        }
        let defaults = try read([:])
        #expect(defaults.logLevel == "info" && defaults.logFormat == "json")
        #expect(defaults.reloadInterval == .seconds(2))
        let set = try read(["LOG_LEVEL": "Debug", "LOG_FORMAT": "human", "INTENTS_RELOAD_INTERVAL": "0", "ADMIN_TOKEN": "t"])
        #expect(set.logLevel == "debug" && set.logFormat == "human")
        #expect(set.reloadInterval == nil)
        #expect(set.adminToken == "t")
        #expect {
            try read(["LOG_LEVEL": "loud"])
        } throws: { "\($0)".hasPrefix("log.level (LOG_LEVEL) must be one of trace, debug") }
        #expect {
            try read(["LOG_FORMAT": "xml"])
        } throws: { "\($0)" == "log.format (LOG_FORMAT) must be json or human, not 'xml'" }
        #expect {
            try read(["INTENTS_RELOAD_INTERVAL": "-1"])
        } throws: { "\($0)".hasPrefix("intents.reload.interval (INTENTS_RELOAD_INTERVAL) must be 0") }
    }
}
