import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import WelcomeCommands

/// A fake Bot API that answers one scripted response per call and records the calls.
private final class FakeBotAPI: Sendable {
    static let token = "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456"
    private let calls = Mutex<[(method: String, body: Data)]>([])
    private let answer: @Sendable (String) -> (Int, String)

    init(answer: @escaping @Sendable (String) -> (Int, String)) {
        self.answer = answer
    }

    var received: [(method: String, body: [String: Any])] {
        calls.withLock { $0 }.map { ($0.method, (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] ?? [:]) }
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/bot\(Self.token)/:method") { request, context -> Response in
            let method = context.parameters.get("method") ?? ""
            let data = try await request.body.collect(upTo: 1 << 16)
            let received = Data(data.readableBytesView)
            self.calls.withLock { $0.append((method, received)) }
            let (status, body) = self.answer(method)
            return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

@Suite("welcomebot webhook")
struct WebhookCommandTests {
    private func environment(_ port: Int) -> [String: String] {
        [
            "TELEGRAM_BOT_TOKEN": FakeBotAPI.token, "TELEGRAM_SECRET_TOKEN": "hook-secret",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:\(port)",
        ]
    }

    @Test("set sends the URL, the secret token and the update kinds; info and delete report")
    func setInfoDelete() async throws {
        let fake = FakeBotAPI { method in
            method == "getWebhookInfo"
                ? (
                    200,
                    #"{"ok":true,"result":{"url":"https://bot.example.org/webhooks/telegram","pending_update_count":2,"allowed_updates":["message","callback_query"]}}"#
                )
                : (200, #"{"ok":true,"result":true}"#)
        }
        try await fake.application().test(.live) { api in
            let environment = environment(api.port!)
            let set = await welcomebotAsync(
                ["webhook", "set", "telegram", "--url", "https://bot.example.org/webhooks/telegram"], environment: environment)
            #expect(set.exitCode == 0, "\(set.errors)")
            #expect(set.output == "Telegram delivers updates to https://bot.example.org/webhooks/telegram now.")
            let call = try #require(fake.received.first)
            #expect(call.method == "setWebhook")
            #expect(call.body["url"] as? String == "https://bot.example.org/webhooks/telegram")
            #expect(call.body["secret_token"] as? String == "hook-secret")
            #expect(call.body["allowed_updates"] as? [String] == ["message", "callback_query"])

            let info = await welcomebotAsync(["webhook", "info", "telegram"], environment: environment)
            #expect(info.lines.contains("url: https://bot.example.org/webhooks/telegram"))
            #expect(info.lines.contains("pending updates: 2"))

            let delete = await welcomebotAsync(["webhook", "delete", "telegram"], environment: environment)
            #expect(delete.exitCode == 0)
            #expect(fake.received.last?.method == "deleteWebhook")
        }
    }

    @Test("Telegram's refusal is shown with its description and exit code 1")
    func refused() async throws {
        let fake = FakeBotAPI { _ in
            (
                400,
                #"{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: HTTPS url must be provided for webhook"}"#
            )
        }
        try await fake.application().test(.live) { api in
            let run = await welcomebotAsync(
                ["webhook", "set", "telegram", "--url", "http://bot.example.org/x"], environment: environment(api.port!))
            #expect(run.exitCode == 1)
            #expect(
                run.errors.contains("Telegram answered 400: Bad Request: bad webhook: HTTPS url must be provided for webhook"))
        }
    }

    @Test("without Telegram's settings, or with a bad URL, it says what to do")
    func misconfigured() async {
        let missing = await welcomebotAsync(["webhook", "info", "telegram"], environment: [:])
        #expect(missing.exitCode == 1)
        #expect(missing.errors.contains("set TELEGRAM_BOT_TOKEN and TELEGRAM_SECRET_TOKEN"))
        let badURL = await welcomebotAsync(["webhook", "set", "telegram", "--url", "not a url"], environment: [:])
        #expect(badURL.exitCode != 0)
        #expect(badURL.errors.contains("--url must be a full web address"))
        let unreachable = await welcomebotAsync(
            ["webhook", "info", "telegram"],
            environment: [
                "TELEGRAM_BOT_TOKEN": FakeBotAPI.token, "TELEGRAM_SECRET_TOKEN": "x",
                "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
            ])
        #expect(unreachable.exitCode == 1)
        #expect(unreachable.errors.contains("Telegram could not be reached"))
        #expect(!unreachable.errors.contains("ABCdefGhIJKlmnoPQRstuVWXyz"))
    }
}
