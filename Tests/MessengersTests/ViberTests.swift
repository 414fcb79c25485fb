import Foundation
import Testing

@testable import Messengers
@testable import WelcomeCore

/// The token and body of the known-answer vector (README §4.3, from the official Python library).
private let vectorToken = "44dafb7e0f40021e-61a47a1e6778d187-f2c5a676a07050b3"
private let vectorBody = #"{"event":"webhook","timestamp":4977069964384421269,"message_token":1478683725125}"#
private let vectorSignature = "d21b343448c8aee33b8e93768ef6ceb64a6ba6163099973a2b8bd028fea510ef"

private func adapter(previous: String? = nil, avatar: String? = nil, base: String = "https://chatapi.viber.com/pa") throws
    -> ViberAdapter
{
    try ViberAdapter(
        authToken: vectorToken, previousAuthToken: previous, botName: "Willkommen Leipzig", avatarURL: avatar, apiBaseURL: base)
}

private func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Suite("Viber: verifying callbacks")
struct ViberVerifierTests {
    let body = Data(vectorBody.utf8)

    private func request(_ body: Data, signature: String?) -> WebhookRequest {
        WebhookRequest(body: body, headers: signature.map { ["X-Viber-Content-Signature": $0] } ?? [:])
    }

    @Test("the known-answer vector passes")
    func knownAnswer() throws {
        #expect(ViberVerifier.signature(of: body, authToken: vectorToken) == vectorSignature)
        #expect(try adapter().isAuthentic(request(body, signature: vectorSignature)))
    }

    @Test("a signature made with another token fails")
    func wrongToken() throws {
        let other = try ViberAdapter(authToken: "another-token", botName: "Bot")
        #expect(!other.isAuthentic(request(body, signature: vectorSignature)))
    }

    @Test("during a rotation the previous token passes, and the current one still does")
    func previousToken() throws {
        let rotated = try ViberAdapter(authToken: "new-token", previousAuthToken: vectorToken, botName: "Bot")
        #expect(rotated.isAuthentic(request(body, signature: vectorSignature)))
        let signedWithNew = ViberVerifier.signature(of: body, authToken: "new-token")
        #expect(rotated.isAuthentic(request(body, signature: signedWithNew)))
        #expect(!rotated.isAuthentic(request(body, signature: ViberVerifier.signature(of: body, authToken: "old-token"))))
    }

    @Test("a missing or empty header fails")
    func missingHeader() throws {
        #expect(try !adapter().isAuthentic(request(body, signature: nil)))
        #expect(try !adapter().isAuthentic(request(body, signature: "")))
        #expect(try !adapter().isAuthentic(request(body, signature: String(vectorSignature.dropLast()))))
    }

    @Test("a body changed by one byte fails")
    func changedBody() throws {
        var changed = Array(vectorBody.utf8)
        changed[changed.count - 2] = UInt8(ascii: "6")  // 1478683725125 → 1478683725126
        #expect(try !adapter().isAuthentic(request(Data(changed), signature: vectorSignature)))
        #expect(try !adapter().isAuthentic(request(body + Data(" ".utf8), signature: vectorSignature)))
    }

    @Test("an empty token is refused at start-up")
    func emptyToken() {
        #expect(throws: ViberConfigurationError.missingAuthToken) { try ViberVerifier(authToken: "") }
    }
}

@Suite("Viber: decoding callbacks")
struct ViberDecoderTests {
    let decoder = ViberDecoder()
    let user = "xy5/5y6O81+/kbWHpLhBoA=="

    @Test("the message fixture is a text message keyed by its message token")
    func messageFixture() throws {
        #expect(
            try decoder.decode(try fixture("viber_courier_message.json"))
                == .messages([
                    InboundMessage(
                        channel: .viber, providerMessageID: "4987381189870374000", userID: user, chatID: user,
                        input: .text("incoming msg"))
                ]))
    }

    @Test("conversation_started is a /start answered in the response, with the language hint")
    func conversationStartedFixture() throws {
        #expect(
            try decoder.decode(try fixture("viber_courier_conversation_started.json"))
                == .messages([
                    InboundMessage(
                        channel: .viber, providerMessageID: "4912661846655238145", userID: user, chatID: user,
                        input: .text("/start"), languageHint: "en", replyInResponse: true)
                ]))
    }

    @Test(
        "message tokens keep every digit, also above 2^53",
        arguments: ["4987381189870374000", "9223372036854775807", "9007199254740993", "1"])
    func tokens(token: String) throws {
        let message = #"{"event":"message","message_token":\#(token),"sender":{"id":"u"},"message":{"type":"text","text":"hi"}}"#
        #expect(try decoder.decode(Data(message.utf8)).messages.map(\.providerMessageID) == [token])
        let seen = #"{"event":"seen","message_token":\#(token),"user_id":"u"}"#
        #expect(try decoder.decode(Data(seen.utf8)).statuses.map(\.providerMessageID) == [token])
    }

    private func input(type: String = "text", text: String?) throws -> Input? {
        let textField = text.map { #","text":"\#($0)""# } ?? ""
        let body = #"{"event":"message","message_token":7,"sender":{"id":"u"},"message":{"type":"\#(type)"\#(textField)}}"#
        return try decoder.decode(Data(body.utf8)).messages.first?.input
    }

    @Test("a keyboard reply's btn: text is a button press with the payload")
    func buttons() throws {
        #expect(try input(text: "btn:address") == .button("address"))
        #expect(try input(text: "btn:lang.ar") == .button("lang.ar"))
        #expect(try input(text: "btn:") == .text("btn:"))
        #expect(try input(text: "Btn:address") == .text("Btn:address"))
        #expect(try input(text: "wo ist btn:address") == .text("wo ist btn:address"))
    }

    @Test(
        "media, stickers, locations and contacts are empty text: the person gets the menu",
        arguments: ["picture", "video", "file", "sticker", "location", "contact"])
    func nonText(type: String) throws {
        #expect(try input(type: type, text: "caption") == .text(""))
        #expect(try input(type: type, text: nil) == .text(""))
    }

    @Test("the sender's language becomes the hint")
    func language() throws {
        let body =
            #"{"event":"message","message_token":7,"sender":{"id":"u","language":"uk-UA"},"message":{"type":"text","text":"x"}}"#
        #expect(try decoder.decode(Data(body.utf8)).messages.first?.languageHint == "uk")
    }

    @Test(
        "delivery reports are statuses keyed by message token",
        arguments: [
            ("delivered", DeliveryStatus.State.delivered, nil),
            ("seen", .read, nil),
            ("failed", .failed, "failure description"),
        ] as [(String, DeliveryStatus.State, String?)])
    func statuses(event: String, state: DeliveryStatus.State, error: String?) throws {
        let body =
            #"{"event":"\#(event)","timestamp":1457764197627,"message_token":4912661846655238145,"user_id":"01234567890A=","desc":"failure description"}"#
        #expect(
            try decoder.decode(Data(body.utf8))
                == DecodedWebhook(statuses: [
                    DeliveryStatus(channel: .viber, providerMessageID: "4912661846655238145", state: state, error: error)
                ]))
    }

    @Test("a failure without a description still says it failed")
    func failedWithoutDescription() throws {
        let body = #"{"event":"failed","message_token":1,"user_id":"u"}"#
        #expect(try decoder.decode(Data(body.utf8)).statuses.first?.error == "failed")
    }

    @Test(
        "events the bot does not answer are ignored",
        arguments: [
            (#"{"event":"subscribed","timestamp":1,"user":{"id":"u","name":"n"},"message_token":1}"#, "subscribed"),
            (#"{"event":"unsubscribed","timestamp":1,"user_id":"u","message_token":1}"#, "unsubscribed"),
            (vectorBody, "webhook"),
            (#"{"event":"client_status","user":"any shape"}"#, "client_status"),
            (#"{"event":"some_future_event","message_token":"not even a number"}"#, "some_future_event"),
        ])
    func ignored(body: String, kind: String) throws {
        #expect(try decoder.decode(Data(body.utf8)) == .ignored(kind: kind))
    }

    @Test(
        "malformed bodies are errors",
        arguments: [
            "", "{", "[]", "null", #"{"timestamp":1}"#, #"{"event":5}"#, "\u{FF}\u{FE}",
            #"{"event":"message","message_token":1,"message":{"type":"text","text":"x"}}"#,
            #"{"event":"message","message_token":1,"sender":{"id":"u"}}"#,
            #"{"event":"message","sender":{"id":"u"},"message":{"type":"text","text":"x"}}"#,
            #"{"event":"message","message_token":"1","sender":{"id":"u"},"message":{"type":"text","text":"x"}}"#,
            #"{"event":"message","message_token":1.5,"sender":{"id":"u"},"message":{"type":"text"}}"#,
            #"{"event":"message","message_token":92233720368547758070,"sender":{"id":"u"},"message":{"type":"text"}}"#,
            #"{"event":"conversation_started","message_token":1}"#,
            #"{"event":"delivered","user_id":"u"}"#,
        ])
    func malformed(body: String) {
        #expect(throws: WebhookDecodingError.self) { try decoder.decode(Data(body.utf8)) }
    }

    @Test("the adapter decodes the request body")
    func throughAdapter() throws {
        let decoded = try adapter().decode(WebhookRequest(body: try fixture("viber_courier_message.json")))
        #expect(decoded.messages.first?.channel == .viber)
        #expect(throws: WebhookDecodingError.self) { try adapter().decode(WebhookRequest(body: Data("{".utf8))) }
    }
}

@Suite("Viber: rendering replies")
struct ViberRendererTests {
    let renderer = ViberRenderer(sender: .init(name: "Willkommen Leipzig"))

    private func buttons(_ count: Int, label: (Int) -> String = { "Thema \($0)" }) -> [Button] {
        (1...count).map { Button(label: label($0), kind: .intent, value: "topic\($0)") }
    }

    private func text(_ characters: Int) -> String {
        let sentence = "Die Anmeldung ist beim Bürgeramt. "  // 34 characters
        let repeated = String(repeating: sentence, count: characters / sentence.count + 1)
        return String(repeated.prefix(characters))
    }

    private func nonWhitespace(_ text: String) -> String {
        text.filter { !$0.isWhitespace }
    }

    @Test("the body has the keys of the send_message fixture (less tracking_data, which the bot does not use)")
    func fixtureKeys() throws {
        let expected = try json(try fixture("viber_send_text.json"))
        let bot = try ViberAdapter(
            authToken: "t", botName: "Demo Bot", avatarURL: "https://example.com/avatar.jpg")
        let call = try #require(
            bot.render(
                Reply(text: "Hello world!", buttons: [Button(label: "Yes", kind: .intent, value: "vote:yes")]),
                to: "xy5/5y6O81+/kbWHpLhBoA=="
            ).first)
        #expect(call.method == "send_message")
        let body = try json(call.body)
        #expect(Set(body.keys) == Set(expected.keys).subtracting(["tracking_data"]))
        for key in ["receiver", "type", "text"] {
            #expect(body[key] as? String == expected[key] as? String)
        }
        #expect(body["min_api_version"] as? Int == expected["min_api_version"] as? Int)
        #expect(body["sender"] as? [String: String] == expected["sender"] as? [String: String])
        let keyboard = try #require(body["keyboard"] as? [String: Any])
        let expectedKeyboard = try #require(expected["keyboard"] as? [String: Any])
        #expect(Set(keyboard.keys) == Set(expectedKeyboard.keys))
        #expect(keyboard["Type"] as? String == "keyboard")
        #expect(keyboard["DefaultHeight"] as? Bool == false)
        let button = try #require((keyboard["Buttons"] as? [[String: Any]])?.first)
        let expectedButton = try #require((expectedKeyboard["Buttons"] as? [[String: Any]])?.first)
        #expect(Set(button.keys) == Set(expectedButton.keys).union(["Columns"]))
        #expect(button["ActionType"] as? String == "reply")
        #expect(button["ActionBody"] as? String == "btn:vote:yes")
        #expect(button["Text"] as? String == "Yes")
    }

    @Test("the exact JSON of a short reply")
    func exactJSON() throws {
        let calls = try adapter().render(
            Reply(text: "Hallo", buttons: [Button(label: "Adresse", kind: .intent, value: "address")]), to: "u1")
        #expect(
            String(decoding: calls[0].body, as: UTF8.self)
                == #"{"keyboard":{"Buttons":[{"ActionBody":"btn:address","ActionType":"reply","Columns":6,"Text":"Adresse"}],"DefaultHeight":false,"Type":"keyboard"},"min_api_version":1,"receiver":"u1","sender":{"name":"Willkommen Leipzig"},"text":"Hallo","type":"text"}"#
        )
    }

    @Test("5,000 characters are one message")
    func fiveThousand() {
        let text = text(5000)
        let messages = renderer.render(Reply(text: text, buttons: buttons(2)), to: "u")
        #expect(messages.map(\.text) == [text])
        #expect(messages[0].keyboard?.buttons.count == 2)
    }

    @Test("15,000 characters are split within 7000, nothing lost, the keyboard with the last part")
    func fifteenThousand() {
        let text = text(15000)
        let messages = renderer.render(Reply(text: text, buttons: buttons(2)), to: "u")
        #expect(messages.count == 3)
        #expect(messages.allSatisfy { !$0.text.isEmpty && $0.text.utf16.count <= 7000 && $0.text.count <= 7000 })
        #expect(nonWhitespace(messages.map(\.text).joined()) == nonWhitespace(text))
        #expect(messages.dropLast().allSatisfy { $0.keyboard == nil })
        #expect(messages.last?.keyboard?.buttons.count == 2)
        #expect(messages.allSatisfy { $0.receiver == "u" && $0.sender.name == "Willkommen Leipzig" })
    }

    @Test("no buttons, no keyboard; empty text is never sent")
    func noButtons() throws {
        let messages = renderer.render(Reply(text: ""), to: "u")
        #expect(messages.map(\.text) == ["…"])
        #expect(messages[0].keyboard == nil)
        let body = try json(ViberAPI.encode(messages[0]))
        #expect(body["keyboard"] == nil)
    }

    @Test("two short labels share a row; a long one or a lone short one takes the whole row")
    func columns() throws {
        let short = try #require(renderer.keyboard(buttons(2)))
        #expect(short.buttons.map(\.columns) == [3, 3])
        let mixed = try #require(
            renderer.keyboard([
                Button(label: "Adresse", kind: .intent, value: "a"),
                Button(label: "Termin buchen beim Bürgeramt", kind: .link, value: "https://example.org/termin"),
                Button(label: "English", kind: .language, value: "en"),
                Button(label: "العربية", kind: .language, value: "ar"),
                Button(label: "Hilfe", kind: .intent, value: "help"),
            ]))
        #expect(mixed.buttons.map(\.columns) == [6, 6, 3, 3, 6])
        #expect(
            mixed.buttons.map(\.actionBody) == ["btn:a", "https://example.org/termin", "btn:lang.en", "btn:lang.ar", "btn:help"])
        let sixteen = String(repeating: "x", count: 16)
        let seventeen = String(repeating: "x", count: 17)
        #expect(renderer.keyboard(buttons(2) { $0 == 1 ? sixteen : "ok" })?.buttons.map(\.columns) == [3, 3])
        #expect(renderer.keyboard(buttons(2) { $0 == 1 ? seventeen : "ok" })?.buttons.map(\.columns) == [6, 6])
    }

    @Test("30 buttons keep the first 24")
    func thirtyButtons() {
        let messages = renderer.render(Reply(text: "Menü", buttons: buttons(30)), to: "u")
        let rendered = messages.last?.keyboard?.buttons ?? []
        #expect(rendered.count == 24)
        #expect(rendered.first?.actionBody == "btn:topic1")
        #expect(rendered.last?.actionBody == "btn:topic24")
    }

    @Test("links open their URL; buttons that could not come back are left out")
    func links() throws {
        let keyboard = try #require(
            renderer.keyboard([
                Button(label: "Stadt Leipzig", kind: .link, value: "https://www.leipzig.de/"),
                Button(label: "broken", kind: .link, value: ""),
                Button(label: "empty", kind: .intent, value: ""),
            ]))
        #expect(keyboard.buttons == [.init(actionType: .openURL, actionBody: "https://www.leipzig.de/", text: "Stadt Leipzig")])
        let body = String(decoding: ViberAPI.encode(keyboard), as: UTF8.self)
        #expect(body.contains(#""ActionType":"open-url""#))
        #expect(body.contains(#""ActionBody":"https://www.leipzig.de/""#))
        #expect(renderer.keyboard([Button(label: "empty", kind: .intent, value: "")]) == nil)
    }

    @Test("the avatar is sent when configured")
    func avatar() throws {
        let calls = try adapter(avatar: "https://example.org/a.jpg").render(Reply(text: "Hi"), to: "u")
        #expect(
            try json(calls[0].body)["sender"] as? [String: String] == [
                "name": "Willkommen Leipzig", "avatar": "https://example.org/a.jpg",
            ])
    }

    @Test("the welcome response is one message without receiver, within 7000, with the keyboard")
    func welcome() throws {
        let message = InboundMessage(
            channel: .viber, providerMessageID: "1", userID: "u", chatID: "u", input: .text("/start"), replyInResponse: true)
        let response = try adapter().webhookResponse(Reply(text: text(15000), buttons: buttons(3)), to: message)
        #expect(response.contentType == "application/json")
        let body = try json(response.body)
        #expect(body["receiver"] == nil)
        #expect(body["type"] as? String == "text")
        #expect(body["min_api_version"] as? Int == 1)
        #expect((body["sender"] as? [String: String])?["name"] == "Willkommen Leipzig")
        let text = try #require(body["text"] as? String)
        #expect(!text.isEmpty && text.utf16.count <= 7000)
        let keyboard = try #require(body["keyboard"] as? [String: Any])
        #expect((keyboard["Buttons"] as? [Any])?.count == 3)
        let short = try json(try adapter().webhookResponse(Reply(text: "Willkommen!"), to: message).body)
        #expect(short["text"] as? String == "Willkommen!")
        #expect(short["keyboard"] == nil)
    }

    @Test("the acknowledgement is an empty 200")
    func acknowledgement() throws {
        #expect(try adapter().acknowledgement.body.isEmpty)
    }

    @Test("every reply of the shipped content renders within Viber's limits")
    func shipped() throws {
        // Through the symlink of the scratch package to the repository's file.
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try IntentCatalog.load(from: root.appendingPathComponent("Intents").path)
        let composer = ReplyComposer(catalog: catalog)
        for pack in catalog.languages.values {
            for intent in pack.intents {
                for message in renderer.render(composer.answer(intent, in: pack), to: "u") {
                    #expect(!message.text.isEmpty && message.text.utf16.count <= 7000)
                    #expect(ViberAPI.encode(message).count <= 30_000)  // Viber's limit per request
                    for button in message.keyboard?.buttons ?? [] {
                        #expect(!button.actionBody.isEmpty && !button.text.isEmpty)
                    }
                }
            }
        }
    }
}

@Suite("Viber: the API and what an answer means")
struct ViberAPITests {
    private func classify(_ body: String, status: Int = 200, retryAfter: Duration? = nil) throws -> SendOutcome {
        try adapter().classify(APIResponse(status: status, body: Data(body.utf8), retryAfter: retryAfter))
    }

    @Test("status 0 is sent, with the message token to every digit")
    func sent() throws {
        #expect(
            try classify(#"{"status":0,"status_message":"ok","message_token":9223372036854775807,"chat_hostname":"SN-CHAT-05_"}"#)
                == .sent(providerMessageID: "9223372036854775807"))
        #expect(try classify(#"{"status":0,"status_message":"ok"}"#) == .sent(providerMessageID: nil))
    }

    @Test("rate control (12), 429 and 5xx are retried, after Retry-After when given")
    func retried() throws {
        #expect(
            try classify(#"{"status":12,"status_message":"Too many requests"}"#, retryAfter: .seconds(30))
                == .retry(after: .seconds(30), reason: "12: Too many requests"))
        #expect(try classify(#"{"status":12}"#) == .retry(after: nil, reason: "12"))
        #expect(try classify("", status: 429, retryAfter: .seconds(5)) == .retry(after: .seconds(5), reason: "HTTP 429"))
        #expect(try classify("<html>Bad Gateway</html>", status: 502) == .retry(after: nil, reason: "HTTP 502"))
        #expect(try classify(#"{"status":0}"#, status: 503) == .retry(after: nil, reason: "HTTP 503"))
    }

    @Test("a 2xx that is not a Viber answer is retried")
    func notJSON() throws {
        #expect(try classify("<html>ok</html>") == .retry(after: nil, reason: "HTTP 200 without a Viber status"))
        #expect(try classify("") == .retry(after: nil, reason: "HTTP 200 without a Viber status"))
        #expect(try classify(#"{"ok":true}"#) == .retry(after: nil, reason: "HTTP 200 without a Viber status"))
    }

    @Test("not registered (5) and not subscribed (6) are dead: the person is not reachable")
    func unreachable() throws {
        #expect(
            try classify(#"{"status":5,"status_message":"receiverNotRegistered"}"#)
                == .dead(reason: "the person is not reachable: not registered on Viber (5: receiverNotRegistered)"))
        #expect(
            try classify(#"{"status":6,"status_message":"notSubscribed"}"#)
                == .dead(reason: "the person is not reachable: not subscribed to the bot (6: notSubscribed)"))
    }

    @Test("an invalid auth token (2) is dead: the token was refused")
    func invalidToken() throws {
        #expect(
            try classify(#"{"status":2,"status_message":"invalidAuthToken"}"#)
                == .dead(reason: "auth token refused (2: invalidAuthToken)"))
    }

    @Test("a blocked account (7) and other statuses are dead with Viber's status")
    func otherStatuses() throws {
        #expect(try classify(#"{"status":7,"status_message":"accountBlocked"}"#) == .dead(reason: "7: accountBlocked"))
        #expect(try classify(#"{"status":3,"status_message":"badData"}"#) == .dead(reason: "3: badData"))
        #expect(try classify(#"{"status":13}"#) == .dead(reason: "13"))
        #expect(try classify(#"{"status":3,"status_message":"badData"}"#, status: 400) == .dead(reason: "3: badData"))
        #expect(try classify("Not Found", status: 404) == .dead(reason: "HTTP 404"))
        let long = String(repeating: "x", count: 500)
        #expect(
            try classify(#"{"status":3,"status_message":"\#(long)"}"#) == .dead(reason: "3: " + String(repeating: "x", count: 80))
        )
    }

    @Test("a call goes to <base>/<method> with the auth token and JSON content type")
    func request() throws {
        let call = APICall(method: "send_message", body: Data("{}".utf8))
        #expect(
            try adapter().request(for: call)
                == APIRequest(
                    url: "https://chatapi.viber.com/pa/send_message",
                    headers: ["X-Viber-Auth-Token": vectorToken, "Content-Type": "application/json"], body: Data("{}".utf8)))
        #expect(try adapter(base: "http://127.0.0.1:9000/pa/").request(for: call).url == "http://127.0.0.1:9000/pa/send_message")
    }

    @Test("set_webhook asks for the bot's events, and for no names or photos")
    func setWebhook() throws {
        let call = ViberAPI.setWebhook(url: "https://bot.example.org/webhooks/viber")
        #expect(call.method == "set_webhook")
        #expect(
            String(decoding: call.body, as: UTF8.self)
                == #"{"event_types":["delivered","seen","failed","subscribed","unsubscribed","conversation_started"],"send_name":false,"send_photo":false,"url":"https://bot.example.org/webhooks/viber"}"#
        )
        #expect(try adapter().request(for: call).url == "https://chatapi.viber.com/pa/set_webhook")
    }

    @Test("set_webhook's answer is read")
    func setWebhookAnswer() throws {
        let ok = try #require(
            ViberAPI.answer(from: Data(#"{"status":0,"status_message":"ok","event_types":["delivered","seen"]}"#.utf8)))
        #expect(ok == ViberAPI.Answer(status: 0, statusMessage: "ok", eventTypes: ["delivered", "seen"]))
        #expect(ok.isSuccess)
        let refused = try #require(ViberAPI.answer(from: Data(#"{"status":1,"status_message":"invalidUrl"}"#.utf8)))
        #expect(!refused.isSuccess)
        #expect(refused.statusMessage == "invalidUrl")
        #expect(ViberAPI.answer(from: Data("<html>".utf8)) == nil)
    }

    @Test("a bot name Viber would refuse, or no token, is refused at start-up")
    func configuration() throws {
        #expect(throws: ViberConfigurationError.invalidBotName(length: 29)) {
            try ViberAdapter(authToken: "t", botName: String(repeating: "n", count: 29))
        }
        #expect(throws: ViberConfigurationError.invalidBotName(length: 0)) { try ViberAdapter(authToken: "t", botName: "") }
        #expect(throws: ViberConfigurationError.missingAuthToken) { try ViberAdapter(authToken: "", botName: "Bot") }
        #expect(throws: ViberConfigurationError.missingAuthToken) { try ViberAdapter(authTokens: [], botName: "Bot") }
        let longest = try ViberAdapter(authToken: "t", botName: String(repeating: "n", count: 28))
        #expect(longest.channel == .viber)
        #expect(longest.webhookContentType == .json)
        #expect(ViberConfigurationError.invalidBotName(length: 29).description.contains("28"))
    }

    @Test("with the tokens as a list, sends use the first and callbacks accept both")
    func tokenList() throws {
        let bot = try ViberAdapter(authTokens: ["new-token", vectorToken], botName: "Bot")
        let request = bot.request(for: APICall(method: "send_message", body: Data()))
        #expect(request.headers["X-Viber-Auth-Token"] == "new-token")
        let callback = WebhookRequest(body: Data(vectorBody.utf8), headers: ["x-viber-content-signature": vectorSignature])
        #expect(bot.isAuthentic(callback))
    }
}
