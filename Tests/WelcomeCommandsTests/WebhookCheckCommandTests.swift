import Foundation
import Hummingbird
import HummingbirdTesting
import Persistence
import Synchronization
import Testing
import WelcomeCore
import WelcomeServer

@testable import WelcomeCommands

/// Each channel's secrets as an operator sets them; `webhook check` and the server read the same.
private let environments: [String: [String: String]] = [
    "telegram": ["TELEGRAM_BOT_TOKEN": "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", "TELEGRAM_SECRET_TOKEN": "tg-secret"],
    "whatsapp": [
        "WHATSAPP_ACCESS_TOKEN": "wa-token", "WHATSAPP_APP_SECRET": "wa-secret", "WHATSAPP_VERIFY_TOKEN": "wa-verify",
        "WHATSAPP_PHONE_NUMBER_ID": "1055",
    ],
    "messenger": [
        "MESSENGER_PAGE_ACCESS_TOKEN": "fb-token", "MESSENGER_APP_SECRET": "fb-secret", "MESSENGER_VERIFY_TOKEN": "fb-verify",
    ],
    "viber": ["VIBER_AUTH_TOKEN": "viber-token"],
    "sms": [
        "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000001", "TWILIO_AUTH_TOKEN": "twilio-token",
        "TWILIO_PHONE_NUMBER": "+4934100000", "TWILIO_PUBLIC_URL": "https://bot.example.org/webhooks/sms",
    ],
]

/// The secret that, changed, makes the server and the shell disagree.
private let signingSecret = [
    "telegram": "TELEGRAM_SECRET_TOKEN", "whatsapp": "WHATSAPP_APP_SECRET", "messenger": "MESSENGER_APP_SECRET",
    "viber": "VIBER_AUTH_TOKEN", "sms": "TWILIO_AUTH_TOKEN",
]

/// The real server on loopback, configured from `environment` as `serve` would be.
private func withServer(_ environment: [String: String], _ body: @Sendable (Int) async throws -> Void) async throws {
    let folder = NSTemporaryDirectory() + "welcomebot-check-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var settings = try SettingsReader(flags: [:], configFile: "/nonexistent.yaml", environment: environment).read()
    settings.port = 0
    settings.dataDirectory = folder
    let services = BotServices(
        assistant: Assistant(catalog: try IntentCatalog.load(from: shippedIntents)),
        store: try SQLiteMessageStore(path: settings.databasePath),
        pseudonymizer: try Pseudonymizer(key: [UInt8](repeating: 7, count: 32)))
    let app = try buildApplication(settings: settings, services: services)
    try await app.test(.live) { client in try await body(client.port!) }
}

@Suite("welcomebot webhook check and webhook set viber", .serialized)
struct WebhookCheckCommandTests {
    @Test(
        "check proves the running server has the same secrets", arguments: ["telegram", "whatsapp", "messenger", "viber", "sms"])
    func matching(channel: String) async throws {
        let environment = environments[channel]!
        try await withServer(environment) { port in
            let run = await welcomebotAsync(
                ["webhook", "check", channel, "--server", "http://127.0.0.1:\(port)"], environment: environment)
            #expect(run.exitCode == 0, "\(run.errors)")
            #expect(run.output.contains("signature: ok"))
            if channel == "whatsapp" || channel == "messenger" { #expect(run.output.contains("verify token: ok")) }
        }
    }

    @Test(
        "check fails, saying why, when the server runs with another secret", arguments: ["telegram", "whatsapp", "viber", "sms"])
    func mismatched(channel: String) async throws {
        let server = environments[channel]!
        var changed = server
        changed[signingSecret[channel]!] = "another-secret"
        let shell = changed
        try await withServer(server) { port in
            let run = await welcomebotAsync(
                ["webhook", "check", channel, "--server", "http://127.0.0.1:\(port)"], environment: shell)
            #expect(run.exitCode == 1)
            #expect(run.errors.contains("refused the signature"))
            #expect(!run.errors.contains("another-secret"))
        }
    }

    @Test("check says what to set when the channel is not configured, and when no server answers")
    func misconfigured() async {
        let unset = await welcomebotAsync(["webhook", "check", "viber"], environment: [:])
        #expect(unset.exitCode == 1)
        #expect(unset.errors.contains("viber is not configured here: set VIBER_AUTH_TOKEN"))
        let nobody = await welcomebotAsync(
            ["webhook", "check", "viber", "--server", "http://127.0.0.1:9"], environment: environments["viber"]!)
        #expect(nobody.exitCode == 1)
        #expect(nobody.errors.contains("could not be reached"))
    }

    @Test("set viber registers the URL with the bot's events; set whatsapp points to the console")
    func setViber() async throws {
        let received = Mutex<[(path: String, token: String?, body: Data)]>([])
        let router = Router()
        router.post("/pa/:method") { request, context -> Response in
            let data = try await request.body.collect(upTo: 1 << 16)
            let entry = (
                context.parameters.get("method") ?? "", request.headers[.init("X-Viber-Auth-Token")!],
                Data(data.readableBytesView)
            )
            received.withLock { $0.append(entry) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"status":0,"status_message":"ok"}"#)))
        }
        let fake = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { client in
            var environment = environments["viber"]!
            environment["VIBER_API_BASE_URL"] = "http://127.0.0.1:\(client.port!)/pa"
            let run = await welcomebotAsync(
                ["webhook", "set", "viber", "--url", "https://bot.example.org/webhooks/viber"], environment: environment)
            #expect(run.exitCode == 0, "\(run.errors)")
            #expect(run.output == "Viber delivers messages to https://bot.example.org/webhooks/viber now.")
            let call = try #require(received.withLock { $0.first })
            #expect(call.path == "set_webhook")
            #expect(call.token == "viber-token")
            let body = try #require(try JSONSerialization.jsonObject(with: call.body) as? [String: Any])
            #expect(body["url"] as? String == "https://bot.example.org/webhooks/viber")
            #expect((body["event_types"] as? [String])?.contains("conversation_started") == true)
            #expect(body["send_name"] as? Bool == false)
        }
        let console = await welcomebotAsync(
            ["webhook", "set", "whatsapp", "--url", "https://bot.example.org/webhooks/whatsapp"], environment: [:])
        #expect(console.exitCode == 1)
        #expect(console.errors.contains("Meta App Dashboard"))
    }
}
