import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

private let secret = "test-secret_123"

extension TestClientProtocol {
    func telegram(_ body: String, secret: String? = secret, contentType: String = "application/json") async throws
        -> HTTPResponse.Status
    {
        var headers: HTTPFields = [.contentType: contentType]
        if let secret { headers[HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!] = secret }
        return try await execute(uri: "/webhooks/telegram", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            $0.status
        }
    }
}

private func update(_ id: Int, text: String = "wann habt ihr offen?", language: String = "de") -> String {
    #"{"update_id":\#(id),"message":{"message_id":\#(id),"from":{"id":4242,"is_bot":false,"first_name":"A","language_code":"\#(language)"},"chat":{"id":4242,"type":"private"},"date":1700000000,"text":"\#(text)"}}"#
}

/// The outbox as (method, decoded JSON body) pairs, oldest first.
private func outbox(_ server: TestServer) async throws -> [(method: String, body: [String: Any])] {
    let store = try #require(server.services.store as? SQLiteMessageStore)
    let rows = try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT method, body FROM outbox ORDER BY id") }
    return rows.map { row in
        let data: Data = row["body"]
        return (row["method"], (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }
}

@Suite("The Telegram webhook")
struct TelegramWebhookTests {
    @Test("an authentic update is acknowledged after its reply is queued: right chat, language and keyboard")
    func answered() async throws {
        var server = try TestServer()
        server.settingsOverride = TelegramSettings(botToken: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", secretToken: secret)
        defer { server.remove() }
        try await server.test { client in
            let status1 = try await client.telegram(update(1))
            #expect(status1 == .ok)
        }
        let calls = try await outbox(server)
        #expect(calls.count == 1)
        #expect(calls[0].method == "sendMessage")
        #expect(calls[0].body["chat_id"] as? Int == 4242)
        #expect((calls[0].body["text"] as? String)?.contains("11:00–17:00") == true)
        let keyboard = try #require((calls[0].body["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]])
        #expect(!keyboard.isEmpty)
    }

    @Test("a wrong or missing secret gets 401 and nothing is stored", arguments: [nil, "", "wrong", secret + "x"])
    func forged(header: String?) async throws {
        var server = try TestServer()
        server.settingsOverride = TelegramSettings(botToken: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", secretToken: secret)
        defer { server.remove() }
        try await server.test { client in
            let status2 = try await client.telegram(update(2), secret: header)
            #expect(status2 == .unauthorized)
            // Not even a malformed body is looked at without the secret.
            let status3 = try await client.telegram("{", secret: header)
            #expect(status3 == .unauthorized)
        }
        #expect(try await outbox(server).isEmpty)
    }

    @Test("the same update three times gets one reply")
    func redelivery() async throws {
        var server = try TestServer()
        server.settingsOverride = TelegramSettings(botToken: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", secretToken: secret)
        defer { server.remove() }
        try await server.test { client in
            for _ in 0..<3 {
                let status4 = try await client.telegram(update(3))
                #expect(status4 == .ok)
            }
        }
        #expect(try await outbox(server).count == 1)
    }

    @Test("a button press answers the callback query first, then the intent")
    func callback() async throws {
        var server = try TestServer()
        server.settingsOverride = TelegramSettings(botToken: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", secretToken: secret)
        defer { server.remove() }
        let body =
            #"{"update_id":9,"callback_query":{"id":"cb-1","from":{"id":4242,"is_bot":false,"first_name":"A","language_code":"uk"},"message":{"message_id":5,"chat":{"id":4242,"type":"private"},"date":1},"chat_instance":"x","data":"address"}}"#
        try await server.test { client in
            let status5 = try await client.telegram(body)
            #expect(status5 == .ok)
        }
        let calls = try await outbox(server)
        #expect(calls.map(\.method) == ["answerCallbackQuery", "sendMessage"])
        #expect(calls[0].body["callback_query_id"] as? String == "cb-1")
        #expect((calls[1].body["text"] as? String)?.contains("Otto-Schill-Straße 2") == true)
    }

    @Test(
        "bad bodies get their status and nothing is stored",
        arguments: [
            ("{", "application/json", HTTPResponse.Status.badRequest),
            (#"{"message":{}}"#, "application/json", .badRequest),
            (#"{"update_id":1,"message":{"text":"x"}}"#, "application/json", .badRequest),
            (#"{"update_id":1}"#, "text/plain", .unsupportedMediaType),
            (String(repeating: " ", count: 20_000) + "{}", "application/json", .contentTooLarge),
        ])
    func badBodies(body: String, contentType: String, status: HTTPResponse.Status) async throws {
        var server = try TestServer()
        server.settingsOverride = TelegramSettings(botToken: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", secretToken: secret)
        defer { server.remove() }
        try await server.test { client in
            let got = try await client.telegram(body, contentType: contentType)
            #expect(got == status)
        }
        #expect(try await outbox(server).isEmpty)
    }

    @Test("authentic updates of other kinds are acknowledged and ignored")
    func ignoredKinds() async throws {
        var server = try TestServer()
        server.settingsOverride = TelegramSettings(botToken: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", secretToken: secret)
        defer { server.remove() }
        try await server.test { client in
            let status6 = try await client.telegram(
                #"{"update_id":5,"edited_message":{"message_id":1,"chat":{"id":1,"type":"private"},"date":1,"text":"x"}}"#)
            #expect(status6 == .ok)
            let status7 = try await client.telegram(#"{"update_id":6,"poll":{"id":"p"}}"#)
            #expect(status7 == .ok)
        }
        #expect(try await outbox(server).isEmpty)
    }

    @Test("without Telegram settings the webhook does not exist")
    func off() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            let status8 = try await client.telegram(update(7))
            #expect(status8 == .notFound)
        }
    }
}
