import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OutboundHTTP
import Synchronization
import Testing

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

/// A fake Telegram Bot API on loopback: answers each call from a script (then `ok`), and
/// records every call it received.
final class FakeTelegramAPI: Sendable {
    struct Call: Sendable {
        var method: String
        var body: [String: any Sendable]
    }

    private let script: Mutex<[(status: Int, body: String)]>
    private let calls = Mutex<[Call]>([])
    static let token = "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456"

    init(script: [(status: Int, body: String)] = []) {
        self.script = Mutex(script)
    }

    var received: [Call] { calls.withLock { $0 } }

    func application() -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/bot\(Self.token)/:method") { request, context -> Response in
            let method = context.parameters.get("method") ?? ""
            let data = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
            self.calls.withLock { $0.append(Call(method: method, body: json.mapValues { "\($0)" })) }
            let next = self.script.withLock { $0.isEmpty ? (200, #"{"ok":true,"result":true}"#) : $0.removeFirst() }
            return Response(
                status: HTTPResponse.Status(code: next.0), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: next.1)))
        }
        return router
    }
}

private let secret = "e2e-secret"

private func update(_ id: Int, text: String = "wann habt ihr offen?") -> String {
    #"{"update_id":\#(id),"message":{"message_id":\#(id),"from":{"id":4242,"is_bot":false,"first_name":"A","language_code":"de"},"chat":{"id":4242,"type":"private"},"date":1700000000,"text":"\#(text)"}}"#
}

/// Runs the real server, with the real libcurl client, against the fake API.
private func endToEnd(
    script: [(status: Int, body: String)] = [], logger: Logger = Logger(label: "welcomebot"),
    _ body: @Sendable (any TestClientProtocol, FakeTelegramAPI, TestServer) async throws -> Void
) async throws {
    let fake = FakeTelegramAPI(script: script)
    let server = try TestServer()
    defer { server.remove() }
    var senderSettings = OutboxSender.Settings()
    senderSettings.pollInterval = .milliseconds(20)
    senderSettings.firstRetry = .milliseconds(50)
    senderSettings.longestRetry = .milliseconds(200)
    senderSettings.perChatInterval = .zero
    let sender = senderSettings
    try await fake.application().test(.live) { api in
        var settings = server.settings
        settings.telegram = TelegramSettings(
            botToken: FakeTelegramAPI.token, secretToken: secret, apiBaseURL: "http://127.0.0.1:\(api.port!)")
        let app = try buildApplication(
            settings: settings, services: server.services, http: CurlHTTPClient(), sender: sender, logger: logger)
        try await app.test(.live) { client in
            try await body(client, fake, server)
        }
    }
}

/// Waits (bounded) until `condition` holds.
private func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return false
}

private func post(_ client: any TestClientProtocol, _ body: String, secret: String = secret) async throws -> HTTPResponse.Status {
    try await client.execute(
        uri: "/webhooks/telegram", method: .post,
        headers: [.contentType: "application/json", HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!: secret],
        body: ByteBuffer(string: body)
    ) { $0.status }
}

@Suite("Telegram end to end: real server, real libcurl, fake Bot API on loopback", .serialized)
struct TelegramEndToEndTests {
    @Test("a signed update gets exactly one sendMessage with the right chat, language and keyboard")
    func oneReply() async throws {
        try await endToEnd { client, fake, server in
            let status = try await post(client, update(1))
            #expect(status == .ok)
            #expect(try await eventually { fake.received.count == 1 })
            try await Task.sleep(for: .milliseconds(200))
            let calls = fake.received
            #expect(calls.count == 1)
            #expect(calls.first?.method == "sendMessage")
            #expect(calls.first?.body["chat_id"] as? String == "4242")
            #expect((calls.first?.body["text"] as? String)?.contains("Montag") == true)
            #expect((calls.first?.body["reply_markup"] as? String)?.contains("inline_keyboard") == true)
            #expect(try await server.services.store.outboxCounts() == [.sent: 1])
        }
    }

    @Test("a whole conversation on Telegram and in the web chat leaves no message text, raw id, token or secret in any log line")
    func logsKeepNothingPersonal() async throws {
        let sink = LogSink.capture()
        let logger = Logger(label: "welcomebot") { BotLogHandler(label: $0, level: .trace, sink: sink) }
        let user = "4915111122233"
        let text = "Meine Nummer ist 0176 1234567, mail an fatima@example.org: wann habt ihr offen?"
        let session = "websession-7f3a9c2e41"
        @Sendable func personal(_ id: Int, _ text: String) -> String {
            #"{"update_id":\#(id),"message":{"message_id":\#(id),"from":{"id":\#(user),"is_bot":false,"first_name":"Fatima","language_code":"de"},"chat":{"id":\#(user),"type":"private"},"date":1700000000,"text":"\#(text)"}}"#
        }
        try await endToEnd(logger: logger) { client, fake, server in
            #expect(try await post(client, personal(301, text)) == .ok)
            #expect(try await post(client, personal(301, text)) == .ok)
            #expect(try await post(client, personal(302, text), secret: "wrong-secret") == .unauthorized)
            #expect(try await post(client, personal(303, "Adresse")) == .ok)
            for words in [text, "Adresse"] {
                let body = try JSONSerialization.data(withJSONObject: ["session": session, "text": words, "language": "de"])
                let status = try await client.execute(
                    uri: "/api/chat", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)
                ) { $0.status }
                #expect(status == .ok)
            }
            #expect(try await eventually { fake.received.count == 2 })
        }
        let lines = sink.captured
        #expect(lines.contains { $0.contains(#""webhook.outcome":"accepted""#) })
        #expect(lines.contains { $0.contains(#""webhook.outcome":"duplicate""#) })
        #expect(lines.contains { $0.contains(#""webhook.outcome":"bad_signature""#) })
        #expect(lines.contains { $0.contains(#""http.route":"/api/chat""#) })
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not one JSON object: \(line)")
            for forbidden in [
                text, "wann habt ihr offen", "Adresse", "0176", "1234567", "fatima", "Fatima", user, session, secret,
                "wrong-secret", FakeTelegramAPI.token, "ABCdefGhIJKlmno",
            ] {
                #expect(!line.contains(forbidden), "\(forbidden) in \(line)")
            }
        }
    }

    @Test("a wrong secret gets 401 and no send; the same update three times gets one reply")
    func forgedAndRedelivered() async throws {
        try await endToEnd { client, fake, _ in
            let forged = try await post(client, update(2), secret: "wrong")
            #expect(forged == .unauthorized)
            for _ in 0..<3 {
                let status = try await post(client, update(3))
                #expect(status == .ok)
            }
            #expect(try await eventually { fake.received.count >= 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(fake.received.count == 1)
        }
    }

    @Test("429 with retry_after is honoured, then the reply goes out")
    func rateLimited() async throws {
        let limited = (
            429, #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#
        )
        try await endToEnd(script: [limited]) { client, fake, server in
            let start = ContinuousClock.now
            _ = try await post(client, update(4))
            #expect(try await eventually { fake.received.count == 2 })
            #expect(ContinuousClock.now - start >= .milliseconds(900))
            #expect(try await eventually { try await server.services.store.outboxCounts() == [.sent: 1] })
        }
    }

    @Test("a 500 is retried; a 400 is dead-lettered with its reason")
    func serverErrorAndBadRequest() async throws {
        let failure = (500, "Internal Server Error")
        let bad = (400, #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#)
        try await endToEnd(script: [failure, bad]) { client, fake, server in
            _ = try await post(client, update(5))
            #expect(try await eventually { fake.received.count == 2 })
            #expect(try await eventually { try await server.services.store.outboxCounts() == [.dead: 1] })
            let store = try #require(server.services.store as? SQLiteMessageStore)
            let reason = try await store.pool.read { db in try String.fetchOne(db, sql: "SELECT last_error FROM outbox") }
            #expect(reason == "Bad Request: chat not found")
        }
    }
}
