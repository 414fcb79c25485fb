import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messengers
import OutboundHTTP
import Testing

@testable import Persistence
@testable import WelcomeServer

/// An API that must not be called: these tests look at the webhook side only.
private struct UnusedTransport: HTTPTransport {
    func perform(_ request: OutgoingRequest) async throws -> IncomingResponse {
        IncomingResponse(status: 500)
    }
}

/// The server for one channel at the router level (no sockets), with the outbox sender idle.
private func withChannel(
    _ player: ChannelPlayer, change: @Sendable (inout ServerSettings) -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, TestServer) async throws -> Void
) async throws {
    let server = try TestServer()
    defer { server.remove() }
    var settings = server.settings
    player.configure(&settings, "http://127.0.0.1:9")
    change(&settings)
    var sender = OutboxSender.Settings()
    sender.pollInterval = .seconds(60)
    let app = try buildApplication(settings: settings, services: server.services, http: UnusedTransport(), sender: sender)
    try await app.test(.router) { client in try await body(client, server) }
}

private func rows(_ server: TestServer, _ sql: String) async throws -> Int {
    let store = try #require(server.services.store as? SQLiteMessageStore)
    return try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
}

@Suite("Channel webhooks: handshakes, bad requests, answers inside the response")
struct ChannelWebhookTests {
    @Test("Meta's handshake: the challenge only with the right verify token", arguments: [ChannelPlayer.whatsapp, .messenger])
    func handshake(player: ChannelPlayer) async throws {
        let token = player.channel == .whatsapp ? "wa-verify" : "fb-verify"
        try await withChannel(player) { client, _ in
            let path = "/webhooks/\(player.channel.rawValue)"
            try await client.execute(
                uri: "\(path)?hub.mode=subscribe&hub.verify_token=\(token)&hub.challenge=1158201444", method: .get
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "1158201444")
            }
            try await client.execute(
                uri: "\(path)?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444", method: .get
            ) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("1158201444"))
            }
            try await client.execute(uri: path, method: .get) { #expect($0.status == .forbidden) }
        }
    }

    @Test("channels without a handshake answer GET with 405", arguments: [ChannelPlayer.viber, .sms])
    func noHandshake(player: ChannelPlayer) async throws {
        try await withChannel(player) { client, _ in
            try await client.execute(uri: "/webhooks/\(player.channel.rawValue)", method: .get) {
                #expect($0.status == .methodNotAllowed)
            }
        }
    }

    @Test(
        "a wrong content type is 415, an oversized body 413, a signed body that is not the messenger's 400; nothing stored",
        arguments: ChannelPlayer.all)
    func badRequests(player: ChannelPlayer) async throws {
        try await withChannel(player) { client, server in
            let path = "/webhooks/\(player.channel.rawValue)"
            let request = player.webhooks([.init(id: "601", user: "4915100000060", text: "hallo")], false)[0]
            var wrongType = request.headers
            wrongType[.contentType] = "text/plain"
            try await client.execute(uri: path, method: .post, headers: wrongType, body: ByteBuffer(string: request.body)) {
                #expect($0.status == .unsupportedMediaType)
            }
            let huge = String(repeating: "x", count: 17 * 1024)
            try await client.execute(uri: path, method: .post, headers: request.headers, body: ByteBuffer(string: huge)) {
                #expect($0.status == .contentTooLarge)
            }
            // Correctly signed garbage: the signature is fine, the content is not.
            let garbage = player.channel == .sms ? "Body=hi&From=%2B4915100" : #"{"not":"a webhook"}"#
            var headers = request.headers
            let signature: (header: String, value: String) =
                switch player.channel {
                case .whatsapp: WebhookSigning.meta(body: Data(garbage.utf8), appSecret: "wa-app-secret")
                case .messenger: WebhookSigning.meta(body: Data(garbage.utf8), appSecret: "fb-app-secret")
                case .viber: WebhookSigning.viber(body: Data(garbage.utf8), authToken: "viber-auth-token")
                default:
                    WebhookSigning.twilio(
                        url: ChannelPlayer.smsPublicURL, parameters: FormEncoding.decode(Data(garbage.utf8)),
                        authToken: "twilio-auth-token")
                }
            headers[HTTPField.Name(signature.header)!] = signature.value
            try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: garbage)) {
                #expect($0.status == .badRequest)
            }
            #expect(try await rows(server, "SELECT COUNT(*) FROM inbound_claim") == 0)
            #expect(try await rows(server, "SELECT COUNT(*) FROM outbox") == 0)
        }
    }

    @Test("Viber's conversation_started gets the welcome message in the response, once, with nothing queued")
    func viberWelcome() async throws {
        try await withChannel(.viber) { client, server in
            let body =
                #"{"event":"conversation_started","timestamp":1700000000000,"message_token":7001,"type":"open","user":{"id":"vb-user-1","name":"A","language":"uk","country":"UA","api_version":10},"subscribed":false}"#
            let signature = WebhookSigning.viber(body: Data(body.utf8), authToken: "viber-auth-token")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name(signature.header)!: signature.value]
            try await client.execute(uri: "/webhooks/viber", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .ok)
                let welcome =
                    (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
                #expect(welcome["type"] as? String == "text")
                #expect(welcome["receiver"] == nil)
                #expect((welcome["sender"] as? [String: Any])?["name"] as? String == "Willkommenszentrum")
                // The hint says Ukrainian: the welcome is in Ukrainian.
                #expect(
                    (welcome["text"] as? String)?.contains("Вітаю") == true
                        || (welcome["text"] as? String)?.contains("Привіт") == true,
                    "\(welcome["text"] ?? "")")
                #expect(welcome["keyboard"] != nil)
            }
            // Viber resends: acknowledged with an empty body, no second welcome.
            try await client.execute(uri: "/webhooks/viber", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
            #expect(try await rows(server, "SELECT COUNT(*) FROM outbox") == 0)
            #expect(try await rows(server, "SELECT COUNT(*) FROM inbound_claim") == 1)
        }
    }

    @Test("SMS in TwiML mode: the reply is the webhook response, numbered choices, nothing queued; a redelivery gets <Response/>")
    func twiml() async throws {
        let twiml: @Sendable (inout ServerSettings) -> Void = { $0.sms?.replyMode = .twiml }
        try await withChannel(.sms, change: twiml) { client, server in
            let request = ChannelPlayer.sms.webhooks(
                [.init(id: "701", user: "+4915100000070", text: "wann habt ihr offen?")], false)[0]
            try await client.execute(
                uri: "/webhooks/sms", method: .post, headers: request.headers, body: ByteBuffer(string: request.body)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/xml") == true)
                let xml = String(buffer: response.body)
                #expect(xml.contains("<Response><Message>"))
                #expect(xml.contains("Montag"))
                #expect(xml.contains("\n1. "))
            }
            try await client.execute(
                uri: "/webhooks/sms", method: .post, headers: request.headers, body: ByteBuffer(string: request.body)
            ) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("<Message>"))
            }
            #expect(try await rows(server, "SELECT COUNT(*) FROM outbox") == 0)
        }
    }

    @Test("on SMS the person answers a numbered choice with a digit, also Arabic-Indic or Persian")
    func numberedChoice() async throws {
        let twiml: @Sendable (inout ServerSettings) -> Void = { $0.sms?.replyMode = .twiml }
        try await withChannel(.sms, change: twiml) { client, _ in
            func send(_ id: String, _ text: String) async throws -> String {
                let request = ChannelPlayer.sms.webhooks([.init(id: id, user: "+4915100000071", text: text)], false)[0]
                return try await client.execute(
                    uri: "/webhooks/sms", method: .post, headers: request.headers, body: ByteBuffer(string: request.body)
                ) { String(buffer: $0.body) }
            }
            let menu = try await send("711", "hallo")
            // The greeting offers opening hours, the address, … as numbered lines.
            let second = try #require(menu.split(separator: "\n").first { $0.hasPrefix("2. ") })
            #expect(second.contains("Adresse"))
            for (id, digit) in [("712", "2"), ("713", "٢"), ("714", "۲")] {
                _ = try await send("7\(id)", "hallo")
                let picked = try await send(id, digit)
                #expect(picked.contains("Otto-Schill"), "\(digit): \(picked)")
            }
        }
    }
}
