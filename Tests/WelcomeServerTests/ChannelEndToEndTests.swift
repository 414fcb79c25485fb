import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Messengers
import OutboundHTTP
import Synchronization
import Testing

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

/// A fake messenger API on loopback for any channel: records every request it receives and
/// answers each with the channel's success body, carrying a new message id each time.
final class FakeMessengerAPI: Sendable {
    struct Call: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data
    }

    private let calls = Mutex<[Call]>([])
    private let answer: @Sendable (Int) -> (status: Int, body: String)

    init(answer: @escaping @Sendable (Int) -> (status: Int, body: String)) {
        self.answer = answer
    }

    var received: [Call] { calls.withLock { $0 } }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let data = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let count = self.calls.withLock { calls in
                calls.append(Call(path: request.uri.path, headers: headers, body: Data(data.readableBytesView)))
                return calls.count
            }
            let next = self.answer(count)
            return Response(
                status: HTTPResponse.Status(code: next.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: next.body)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

/// Plays one messenger: builds its signed webhooks, configures the server for it, and reads the
/// requests the bot sends to its API.
struct ChannelPlayer: Sendable, CustomTestStringConvertible {
    struct Incoming: Sendable {
        var id: String
        var user: String
        var text: String
    }

    var channel: Channel
    var configure: @Sendable (inout ServerSettings, String) -> Void
    /// Signed (or, with `forged`, wrongly signed) webhook requests carrying these messages: one
    /// request for a messenger that batches, else one each.
    var webhooks: @Sendable ([Incoming], _ forged: Bool) -> [(headers: HTTPFields, body: String)]
    /// A signed status report that the message the API called `providerMessageID` was read or delivered.
    var status: @Sendable (_ providerMessageID: String) -> (headers: HTTPFields, body: String, state: DeliveryState)
    /// The API's success answer for the n-th send, with the message id `sent-n` (numeric for Viber).
    var sendAnswer: @Sendable (Int) -> (status: Int, body: String)
    var providerID: @Sendable (Int) -> String
    var sendPath: String
    /// The recipient of a send request, and what is wrong with it (limits), if anything.
    var inspect: @Sendable (Data) -> (recipient: String?, problems: [String])

    var testDescription: String { channel.rawValue }

    static let all: [ChannelPlayer] = [.whatsapp, .messenger, .viber, .sms]
}

private func json(_ data: Data) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}

private func fields(_ pairs: [(String, String)]) -> HTTPFields {
    var fields = HTTPFields()
    for (name, value) in pairs { fields[HTTPField.Name(name)!] = value }
    return fields
}

private func escaped(_ text: String) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
}

extension ChannelPlayer {
    static let whatsapp = ChannelPlayer(
        channel: .whatsapp,
        configure: { settings, base in
            settings.whatsapp = WhatsAppSettings(
                accessToken: "wa-access-token", appSecrets: ["wa-app-secret"], verifyToken: "wa-verify", phoneNumberID: "1055",
                apiBaseURL: base)
        },
        webhooks: { messages, forged in
            let items = messages.map {
                #"{"from":"\#($0.user)","id":"wamid.\#($0.id)","timestamp":"1700000000","text":{"body":\#(escaped($0.text))},"type":"text"}"#
            }
            let contacts = messages.map { #"{"profile":{"name":"A"},"wa_id":"\#($0.user)"}"# }
            let body =
                #"{"object":"whatsapp_business_account","entry":[{"id":"77","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"4934100","phone_number_id":"1055"},"contacts":[\#(contacts.joined(separator: ","))],"messages":[\#(items.joined(separator: ","))]}}]}]}"#
            let signature = WebhookSigning.meta(body: Data(body.utf8), appSecret: forged ? "wrong" : "wa-app-secret")
            return [(fields([("Content-Type", "application/json"), signature]), body)]
        },
        status: { id in
            let body =
                #"{"object":"whatsapp_business_account","entry":[{"id":"77","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"4934100","phone_number_id":"1055"},"statuses":[{"id":"\#(id)","status":"read","timestamp":"1700000009","recipient_id":"4915100"}]}}]}]}"#
            let signature = WebhookSigning.meta(body: Data(body.utf8), appSecret: "wa-app-secret")
            return (fields([("Content-Type", "application/json"), signature]), body, .read)
        },
        sendAnswer: { n in
            (
                200,
                #"{"messaging_product":"whatsapp","contacts":[{"input":"1","wa_id":"1"}],"messages":[{"id":"wamid.sent-\#(n)"}]}"#
            )
        },
        providerID: { "wamid.sent-\($0)" },
        sendPath: "/messages",
        inspect: { data in
            let body = json(data)
            var problems: [String] = []
            if body["messaging_product"] as? String != "whatsapp" { problems.append("no messaging_product") }
            if let interactive = body["interactive"] as? [String: Any], let action = interactive["action"] as? [String: Any] {
                if let buttons = action["buttons"] as? [[String: Any]] {
                    if buttons.count > 3 { problems.append("\(buttons.count) buttons") }
                    for button in buttons {
                        let title = (button["reply"] as? [String: Any])?["title"] as? String ?? ""
                        if title.count > 20 || title.isEmpty { problems.append("button title '\(title)'") }
                    }
                }
                if let sections = action["sections"] as? [[String: Any]] {
                    let rows = sections.flatMap { $0["rows"] as? [[String: Any]] ?? [] }
                    if rows.count > 10 { problems.append("\(rows.count) rows") }
                    for row in rows where (row["title"] as? String ?? "").count > 24 { problems.append("row title \(row)") }
                }
                let text = (interactive["body"] as? [String: Any])?["text"] as? String ?? ""
                if text.count > 1024 { problems.append("interactive body of \(text.count)") }
            } else if let text = (body["text"] as? [String: Any])?["body"] as? String, text.utf16.count > 4096 {
                problems.append("text of \(text.utf16.count)")
            }
            return (body["to"] as? String, problems)
        })

    static let messenger = ChannelPlayer(
        channel: .messenger,
        configure: { settings, base in
            settings.messenger = MessengerSettings(
                pageAccessToken: "fb-page-token", appSecrets: ["fb-app-secret"], verifyToken: "fb-verify", apiBaseURL: base)
        },
        webhooks: { messages, forged in
            let items = messages.map {
                #"{"sender":{"id":"\#($0.user)"},"recipient":{"id":"900"},"timestamp":1700000000000,"message":{"mid":"m_\#($0.id)","text":\#(escaped($0.text))}}"#
            }
            let body =
                #"{"object":"page","entry":[{"id":"900","time":1700000000000,"messaging":[\#(items.joined(separator: ","))]}]}"#
            let signature = WebhookSigning.meta(body: Data(body.utf8), appSecret: forged ? "wrong" : "fb-app-secret")
            return [(fields([("Content-Type", "application/json"), signature]), body)]
        },
        status: { id in
            let body =
                #"{"object":"page","entry":[{"id":"900","time":1700000009000,"messaging":[{"sender":{"id":"5"},"recipient":{"id":"900"},"timestamp":1700000009000,"delivery":{"mids":["\#(id)"],"watermark":1700000009000}}]}]}"#
            let signature = WebhookSigning.meta(body: Data(body.utf8), appSecret: "fb-app-secret")
            return (fields([("Content-Type", "application/json"), signature]), body, .delivered)
        },
        sendAnswer: { n in (200, #"{"recipient_id":"5","message_id":"m_sent-\#(n)"}"#) },
        providerID: { "m_sent-\($0)" },
        sendPath: "/me/messages",
        inspect: { data in
            let body = json(data)
            var problems: [String] = []
            if body["messaging_type"] as? String != "RESPONSE" { problems.append("no messaging_type") }
            let message = body["message"] as? [String: Any] ?? [:]
            if let text = message["text"] as? String, text.count > 2000 { problems.append("text of \(text.count)") }
            if let replies = message["quick_replies"] as? [[String: Any]] {
                if replies.count > 13 { problems.append("\(replies.count) quick replies") }
                for reply in replies where (reply["title"] as? String ?? "").count > 20 { problems.append("title \(reply)") }
            }
            return ((body["recipient"] as? [String: Any])?["id"] as? String, problems)
        })

    static let viber = ChannelPlayer(
        channel: .viber,
        configure: { settings, base in
            settings.viber = ViberSettings(authTokens: ["viber-auth-token"], botName: "Willkommenszentrum", apiBaseURL: base)
        },
        webhooks: { messages, forged in
            messages.map { message in
                let body =
                    #"{"event":"message","timestamp":1700000000000,"chat_hostname":"SN-1","message_token":\#(message.id),"sender":{"id":"\#(message.user)","name":"A","language":"de","country":"DE","api_version":10},"message":{"type":"text","text":\#(escaped(message.text))},"silent":false}"#
                let signature = WebhookSigning.viber(body: Data(body.utf8), authToken: forged ? "wrong" : "viber-auth-token")
                return (fields([("Content-Type", "application/json"), signature]), body)
            }
        },
        status: { id in
            let body = #"{"event":"seen","timestamp":1700000009000,"chat_hostname":"SN-1","message_token":\#(id),"user_id":"u"}"#
            let signature = WebhookSigning.viber(body: Data(body.utf8), authToken: "viber-auth-token")
            return (fields([("Content-Type", "application/json"), signature]), body, .read)
        },
        sendAnswer: { n in
            (200, #"{"status":0,"status_message":"ok","message_token":\#(5_000_000_000 + n),"chat_hostname":"SN-1"}"#)
        },
        providerID: { String(5_000_000_000 + $0) },
        sendPath: "/send_message",
        inspect: { data in
            let body = json(data)
            var problems: [String] = []
            if let text = body["text"] as? String, text.utf16.count > 7000 { problems.append("text of \(text.count)") }
            if ((body["sender"] as? [String: Any])?["name"] as? String ?? "").isEmpty { problems.append("no sender name") }
            return (body["receiver"] as? String, problems)
        })

    static let smsPublicURL = "https://bot.example.org/webhooks/sms"

    static let sms = ChannelPlayer(
        channel: .sms,
        configure: { settings, base in
            settings.sms = TwilioSettings(
                accountSID: "AC00000000000000000000000000000001", authTokens: ["twilio-auth-token"], phoneNumber: "+4934100000",
                publicURL: smsPublicURL, apiBaseURL: base)
        },
        webhooks: { messages, forged in
            messages.map { message in
                let parameters = [
                    ("ToCountry", "DE"), ("SmsMessageSid", "SM\(message.id)"), ("NumMedia", "0"), ("SmsSid", "SM\(message.id)"),
                    ("SmsStatus", "received"), ("Body", message.text), ("To", "+4934100000"), ("NumSegments", "1"),
                    ("MessageSid", "SM\(message.id)"), ("AccountSid", "AC00000000000000000000000000000001"),
                    ("From", message.user), ("ApiVersion", "2010-04-01"),
                ]
                let signature = WebhookSigning.twilio(
                    url: smsPublicURL, parameters: parameters, authToken: forged ? "wrong" : "twilio-auth-token")
                return (
                    fields([("Content-Type", "application/x-www-form-urlencoded"), signature]),
                    String(decoding: FormEncoding.encode(parameters), as: UTF8.self)
                )
            }
        },
        status: { id in
            let parameters = [
                ("MessageSid", id), ("MessageStatus", "delivered"), ("SmsStatus", "delivered"),
                ("AccountSid", "AC00000000000000000000000000000001"), ("From", "+4934100000"), ("To", "+4915100"),
            ]
            let signature = WebhookSigning.twilio(url: smsPublicURL, parameters: parameters, authToken: "twilio-auth-token")
            return (
                fields([("Content-Type", "application/x-www-form-urlencoded"), signature]),
                String(decoding: FormEncoding.encode(parameters), as: UTF8.self), .delivered
            )
        },
        sendAnswer: { n in (201, #"{"sid":"SMsent-\#(n)","status":"queued"}"#) },
        providerID: { "SMsent-\($0)" },
        sendPath: "/Messages.json",
        inspect: { data in
            let form = Dictionary(FormEncoding.decode(data), uniquingKeysWith: { first, _ in first })
            var problems: [String] = []
            if (form["Body"] ?? "").count > 1600 { problems.append("body of \(form["Body"]!.count)") }
            if form["From"] != "+4934100000" { problems.append("From \(form["From"] ?? "none")") }
            return (form["To"], problems)
        })
}

/// The real server with the real libcurl client, configured for one channel, against a fake API.
func channelEndToEnd(
    _ player: ChannelPlayer, logger: Logger = Logger(label: "welcomebot"), keepsUnansweredQuestions: Bool = false,
    adminToken: String? = nil,
    _ body: @Sendable (any TestClientProtocol, FakeMessengerAPI, TestServer) async throws -> Void
) async throws {
    let fake = FakeMessengerAPI(answer: player.sendAnswer)
    let server = try TestServer(keepsUnansweredQuestions: keepsUnansweredQuestions)
    defer { server.remove() }
    var sender = OutboxSender.Settings()
    sender.pollInterval = .milliseconds(20)
    sender.perChatInterval = .zero
    sender.messagesPerSecond = 1000
    let senderSettings = sender
    try await fake.application().test(.live) { api in
        var settings = server.settings
        settings.adminToken = adminToken
        player.configure(&settings, "http://127.0.0.1:\(api.port!)")
        let app = try buildApplication(
            settings: settings, services: server.services, http: CurlHTTPClient(), sender: senderSettings, logger: logger)
        try await app.test(.live) { client in
            try await body(client, fake, server)
        }
    }
}

func postWebhook(
    _ client: any TestClientProtocol, _ player: ChannelPlayer, _ request: (headers: HTTPFields, body: String)
) async throws -> (HTTPResponse.Status, String) {
    try await client.execute(
        uri: "/webhooks/\(player.channel.rawValue)", method: .post, headers: request.headers,
        body: ByteBuffer(string: request.body)
    ) { ($0.status, String(buffer: $0.body)) }
}

func waitUntil(_ seconds: Double = 5, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return false
}

func countRows(_ server: TestServer, _ sql: String) async throws -> Int {
    let store = try #require(server.services.store as? SQLiteMessageStore)
    return try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
}

@Suite("Every channel end to end: real server, real libcurl, fake messenger API on loopback", .serialized)
struct ChannelEndToEndTests {
    @Test("a signed message gets exactly one valid reply to the right person", arguments: ChannelPlayer.all)
    func oneReply(player: ChannelPlayer) async throws {
        try await channelEndToEnd(player) { client, fake, server in
            for request in player.webhooks([.init(id: "101", user: "4915100000001", text: "wann habt ihr offen?")], false) {
                let (status, _) = try await postWebhook(client, player, request)
                #expect(status == .ok)
            }
            #expect(try await waitUntil { fake.received.count >= 1 })
            try await Task.sleep(for: .milliseconds(200))
            let calls = fake.received
            #expect(calls.count == 1)
            let call = try #require(calls.first)
            #expect(call.path.hasSuffix(player.sendPath), "\(call.path)")
            let (recipient, problems) = player.inspect(call.body)
            #expect(recipient == "4915100000001")
            #expect(problems.isEmpty, "\(problems)")
            #expect(String(decoding: call.body, as: UTF8.self).contains("Montag"))
            #expect(try await waitUntil { try await server.services.store.outboxCounts() == [.sent: 1] })
        }
    }

    @Test("a forged signature gets 401 and nothing is stored or sent", arguments: ChannelPlayer.all)
    func forged(player: ChannelPlayer) async throws {
        try await channelEndToEnd(player) { client, fake, server in
            for request in player.webhooks([.init(id: "201", user: "4915100000002", text: "hallo")], true) {
                let (status, _) = try await postWebhook(client, player, request)
                #expect(status == .unauthorized)
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(fake.received.isEmpty)
            #expect(try await countRows(server, "SELECT COUNT(*) FROM inbound_claim") == 0)
            #expect(try await countRows(server, "SELECT COUNT(*) FROM outbox") == 0)
        }
    }

    @Test("a message delivered three times is answered once", arguments: ChannelPlayer.all)
    func redelivered(player: ChannelPlayer) async throws {
        try await channelEndToEnd(player) { client, fake, _ in
            for _ in 0..<3 {
                for request in player.webhooks([.init(id: "301", user: "4915100000003", text: "Adresse")], false) {
                    let (status, _) = try await postWebhook(client, player, request)
                    #expect(status == .ok)
                }
            }
            #expect(try await waitUntil { fake.received.count >= 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(fake.received.count == 1)
        }
    }

    @Test("a status report is recorded against the sent message and not answered", arguments: ChannelPlayer.all)
    func status(player: ChannelPlayer) async throws {
        try await channelEndToEnd(player) { client, fake, server in
            for request in player.webhooks([.init(id: "401", user: "4915100000004", text: "Adresse")], false) {
                _ = try await postWebhook(client, player, request)
            }
            #expect(try await waitUntil { try await server.services.store.outboxCounts() == [.sent: 1] })
            let report = player.status(player.providerID(1))
            let (status, _) = try await postWebhook(client, player, (report.headers, report.body))
            #expect(status == .ok)
            let store = try #require(server.services.store as? SQLiteMessageStore)
            let row = try await store.pool.read { db -> [String?] in
                let row = try Row.fetchOne(
                    db, sql: "SELECT provider_message_id, delivery_state, CAST(length(body) AS TEXT) AS size, chat_id FROM outbox"
                )
                return [row?["provider_message_id"], row?["delivery_state"], row?["size"], row?["chat_id"]]
            }
            #expect(row[0] == player.providerID(1))
            #expect(row[1] == report.state.rawValue)
            // Once sent, the row keeps neither the recipient nor the text.
            #expect(row[2] == "0")
            #expect(row[3] == "")
            try await Task.sleep(for: .milliseconds(200))
            #expect(fake.received.count == 1)
        }
    }

    @Test("several messages at once are each answered, to each person", arguments: ChannelPlayer.all)
    func batch(player: ChannelPlayer) async throws {
        try await channelEndToEnd(player) { client, fake, _ in
            let messages: [ChannelPlayer.Incoming] = [
                .init(id: "501", user: "4915100000051", text: "Adresse"),
                .init(id: "502", user: "4915100000052", text: "wann habt ihr offen"),
                .init(id: "503", user: "4915100000053", text: "Deutschkurs"),
            ]
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for request in player.webhooks(messages, false) {
                    group.addTask { try await postWebhook(client, player, request).0 }
                }
                for try await status in group { #expect(status == .ok) }
            }
            #expect(try await waitUntil { fake.received.count >= 3 })
            try await Task.sleep(for: .milliseconds(300))
            let recipients = Set(fake.received.compactMap { player.inspect($0.body).recipient })
            #expect(fake.received.count == 3)
            #expect(recipients == Set(messages.map(\.user)))
        }
    }

    @Test(
        "a whole conversation leaves no message text, raw user id, token or signature in any log line",
        arguments: ChannelPlayer.all)
    func logsKeepNothingPersonal(player: ChannelPlayer) async throws {
        let sink = LogSink.capture()
        let logger = Logger(label: "welcomebot") { BotLogHandler(label: $0, level: .trace, sink: sink) }
        let text = "Meine Nummer ist 0176 1234567, mail an fatima@example.org: wann habt ihr offen?"
        let user = "4915111122233"
        try await channelEndToEnd(player, logger: logger) { client, _, server in
            let message = player.webhooks([.init(id: "801", user: user, text: text)], false)
            for request in message + message { _ = try await postWebhook(client, player, request) }
            for request in player.webhooks([.init(id: "802", user: user, text: "Adresse")], true) {
                _ = try await postWebhook(client, player, request)
            }
            #expect(try await waitUntil { try await server.services.store.outboxCounts()[.sent] == 1 })
            let report = player.status(player.providerID(1))
            _ = try await postWebhook(client, player, (report.headers, report.body))
        }
        let lines = sink.captured
        #expect(lines.contains { $0.contains(#""webhook.outcome":"accepted""#) })
        #expect(lines.contains { $0.contains(#""webhook.outcome":"duplicate""#) })
        #expect(lines.contains { $0.contains(#""webhook.outcome":"bad_signature""#) })
        #expect(lines.contains { $0.contains(/"user.pseudonym":"[0-9a-f]{16}"/) })
        let secrets = [
            "wa-access-token", "wa-app-secret", "fb-page-token", "fb-app-secret", "viber-auth-token", "twilio-auth-token",
        ]
        let message = player.webhooks([.init(id: "801", user: user, text: text)], false)[0]
        let signatures = message.headers.filter { $0.name.canonicalName.contains("signature") }.map(\.value)
        #expect(signatures.count == 1)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not one JSON object: \(line)")
            for forbidden in [text, "wann habt ihr offen", "0176", "1234567", "fatima", user] + secrets + signatures {
                #expect(!line.contains(forbidden), "\(forbidden) in \(line)")
            }
        }
    }

    @Test("\"delete my data\" on SMS: asked, confirmed with a digit, and no row of that person is left")
    func deleteMyData() async throws {
        let player = ChannelPlayer.sms
        let user = "+4915100000090"
        try await channelEndToEnd(player) { client, fake, server in
            for (id, text) in [("901", "Datenschutz"), ("902", "/delete"), ("903", "1")] {
                for request in player.webhooks([.init(id: id, user: user, text: text)], false) {
                    _ = try await postWebhook(client, player, request)
                }
                // One at a time, as a person answers what they read.
                #expect(try await waitUntil { fake.received.count >= Int(id)! - 900 })
            }
            // The two earlier replies' records went with the person; only the confirmation's stays.
            #expect(try await waitUntil { try await server.services.store.outboxCounts() == [.sent: 1] })
            let bodies = fake.received.map { String(decoding: $0.body, as: UTF8.self).removingPercentEncoding ?? "" }
            #expect(bodies.count == 3)
            #expect(bodies[0].contains("1. Meine Daten l"))
            #expect(bodies[1].contains("1. Ja, l"))
            #expect(bodies[2].contains("Erledigt"))
            let pseudonym = server.services.pseudonymizer.pseudonym(channel: "sms", userID: user).value
            #expect(try await countRows(server, "SELECT COUNT(*) FROM conversation WHERE pseudonym = '\(pseudonym)'") == 0)
            #expect(try await countRows(server, "SELECT COUNT(*) FROM outbox WHERE pseudonym = '\(pseudonym)'") == 0)
            #expect(try await countRows(server, "SELECT COUNT(*) FROM conversation") == 0)
            // The confirmation itself was sent, and its record names nobody.
            #expect(try await countRows(server, "SELECT COUNT(*) FROM outbox WHERE pseudonym = '' AND state = 'sent'") == 1)
        }
    }
}
