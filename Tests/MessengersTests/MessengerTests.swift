import Foundation
import Testing

@testable import Messengers
@testable import WelcomeCore

/// A page notification with the given `messaging` events.
private func page(_ events: String) -> Data {
    Data(#"{"object":"page","entry":[{"id":"1234567890","time":1459991487970,"messaging":[\#(events)]}]}"#.utf8)
}

private func event(_ content: String, sender: String = "5678", timestamp: Int64 = 1_459_991_487_970) -> String {
    #"{"sender":{"id":"\#(sender)"},"recipient":{"id":"1234567890"},"timestamp":\#(timestamp),\#(content)}"#
}

private func adapter(baseURL: String = GraphEndpoint.defaultBaseURL) throws -> FacebookMessengerAdapter {
    try FacebookMessengerAdapter(
        pageAccessToken: "EAAB-page-token", appSecrets: [messengerVectorSecret], verifyToken: "verify-me", baseURL: baseURL)
}

@Suite("Messenger: decoding notifications")
struct MessengerDecoderTests {
    let decoder = MessengerDecoder()

    @Test("courier's text sample is a text message keyed by its mid")
    func text() throws {
        #expect(
            try decoder.decode(try fixture("messenger_courier_text.json"))
                == .messages([
                    InboundMessage(
                        channel: .messenger, providerMessageID: "external_id", userID: "5678", chatID: "5678",
                        input: .text("Hello World"))
                ]))
    }

    @Test("courier's postback has no mid: it is keyed by sender and timestamp")
    func postback() throws {
        #expect(
            try decoder.decode(try fixture("messenger_courier_postback.json"))
                == .messages([
                    InboundMessage(
                        channel: .messenger, providerMessageID: "5678-1459991487970", userID: "5678", chatID: "5678",
                        input: .button("postback payload"))
                ]))
    }

    @Test("a postback with a mid is keyed by it")
    func postbackMid() throws {
        let decoded = try decoder.decode(page(event(#""postback":{"mid":"m_pb","title":"Adresse","payload":"address"}"#)))
        #expect(decoded.messages.map(\.providerMessageID) == ["m_pb"])
        #expect(decoded.messages.map(\.input) == [.button("address")])
    }

    @Test("a quick reply (the signed vector's body) is a button press with its payload")
    func quickReply() throws {
        #expect(
            try decoder.decode(Data(messengerVectorBody.utf8))
                == .messages([
                    InboundMessage(
                        channel: .messenger, providerMessageID: "m_external_id", userID: "5678", chatID: "5678",
                        input: .button("COLOR_RED"))
                ]))
    }

    @Test("attachments only get the menu")
    func attachments() throws {
        let body = page(event(#""message":{"mid":"m1","attachments":[{"type":"image","payload":{"url":"https://x/y.jpg"}}]}"#))
        #expect(try decoder.decode(body).messages.map(\.input) == [.text("")])
    }

    @Test("the page's own messages (echoes) are ignored")
    func echo() throws {
        let body = page(event(#""message":{"mid":"m1","is_echo":true,"app_id":1,"text":"Hallo"}"#, sender: "1234567890"))
        #expect(try decoder.decode(body) == .ignored(kind: "echo"))
    }

    @Test("a delivery is a delivered status for each mid")
    func delivery() throws {
        let body = page(event(#""delivery":{"mids":["m_a","m_b"],"watermark":1458668856253}"#))
        #expect(
            try decoder.decode(body)
                == DecodedWebhook(statuses: [
                    DeliveryStatus(channel: .messenger, providerMessageID: "m_a", state: .delivered),
                    DeliveryStatus(channel: .messenger, providerMessageID: "m_b", state: .delivered),
                ]))
    }

    @Test(
        "reads, reactions, opt-ins and other events are ignored by name",
        arguments: [
            (#""read":{"watermark":1458668856253}"#, "read"),
            (#""reaction":{"mid":"m1","action":"react","emoji":"👍"}"#, "reaction"),
            (#""optin":{"ref":"x"}"#, "optin"),
            (#""referral":{"ref":"x","source":"SHORTLINK"}"#, "referral"),
        ])
    func ignoredEvents(content: String, kind: String) throws {
        #expect(try decoder.decode(page(event(content))) == .ignored(kind: kind))
    }

    @Test("two entries with three events give three messages in order")
    func batch() throws {
        let entry = { (events: [String]) in #"{"id":"1","time":1,"messaging":[\#(events.joined(separator: ","))]}"# }
        let body = """
            {"object":"page","entry":[\
            \(entry([event(#""message":{"mid":"m1","text":"eins"}"#), event(#""message":{"mid":"m2","text":"zwei"}"#)])),\
            \(entry([event(#""message":{"mid":"m3","text":"drei"}"#, sender: "9")]))]}
            """
        let decoded = try decoder.decode(Data(body.utf8))
        #expect(decoded.messages.map(\.providerMessageID) == ["m1", "m2", "m3"])
        #expect(decoded.messages.map(\.input) == [.text("eins"), .text("zwei"), .text("drei")])
        #expect(decoded.messages.map(\.chatID) == ["5678", "5678", "9"])
    }

    @Test("an entry on standby (another app has the conversation) is ignored")
    func standby() throws {
        let body =
            #"{"object":"page","entry":[{"id":"1","time":1,"standby":[{"sender":{"id":"5"},"message":{"mid":"m","text":"x"}}]}]}"#
        #expect(try decoder.decode(Data(body.utf8)) == .ignored(kind: "standby"))
    }

    @Test(
        "malformed bodies and other objects are errors",
        arguments: [
            "", "{", "[]", "{}", #"{"object":"whatsapp_business_account","entry":[]}"#, #"{"object":"page","entry":{}}"#,
            #"{"object":"page","entry":[{"messaging":[{"sender":{"id":"5"},"timestamp":"soon","message":{}}]}]}"#,
        ])
    func malformed(body: String) {
        #expect(throws: WebhookDecodingError.self) { try decoder.decode(Data(body.utf8)) }
    }
}

@Suite("Messenger: rendering replies")
struct MessengerRendererTests {
    let renderer = MessengerRenderer()

    private func choices(_ count: Int) -> [Button] {
        (1...count).map { Button(label: "Frage \($0)", kind: .intent, value: "intent\($0)") }
    }

    private func links(_ count: Int) -> [Button] {
        (1...count).map { Button(label: "Seite \($0)", kind: .link, value: "https://example.org/\($0)") }
    }

    @Test("quick replies are the documented body")
    func quickRepliesBody() throws {
        let reply = Reply(
            text: "Pick a color:",
            buttons: [
                Button(label: "Red", kind: .intent, value: "COLOR_RED"),
                Button(label: "Green", kind: .intent, value: "COLOR_GREEN"),
            ])
        let calls = try adapter().render(reply, to: "{PSID}")
        #expect(calls.count == 1)
        #expect(calls[0].method == "me/messages")
        #expect(
            try MetaTestSupport.canonical(calls[0].body)
                == MetaTestSupport.canonical(try fixture("messenger_send_quick_replies.json")))
    }

    @Test("plain text is courier's simple message")
    func textBody() throws {
        let body = try #require(try adapter().render(Reply(text: "Simple Message"), to: "12345").first?.body)
        #expect(
            try MetaTestSupport.canonical(body)
                == #"{"message":{"text":"Simple Message"},"messaging_type":"RESPONSE","recipient":{"id":"12345"}}"#)
    }

    @Test("thirteen choices are thirteen quick replies, fourteen are cut to thirteen")
    func quickReplyLimit() {
        let thirteen = renderer.render(Reply(text: "Wobei?", buttons: choices(13)), to: "1")
        #expect(thirteen.last?.message.quickReplies?.count == 13)
        let fourteen = renderer.render(Reply(text: "Wobei?", buttons: choices(14)), to: "1")
        #expect(fourteen.last?.message.quickReplies?.map(\.payload) == (1...13).map { "intent\($0)" })
        #expect(fourteen.last?.message.quickReplies?.allSatisfy { $0.contentType == "text" } == true)
    }

    @Test("a quick reply title over 20 is cut to 19 and '…'; languages send lang.CODE")
    func quickReplyTitle() {
        let reply = Reply(
            text: "Wobei?",
            buttons: [
                Button(label: "Wohnsitz anmelden xyz", kind: .intent, value: "registration"),
                Button(label: "Українська", kind: .language, value: "uk"),
            ])
        let quickReplies = renderer.render(reply, to: "1").last?.message.quickReplies
        #expect(quickReplies?.map(\.title) == ["Wohnsitz anmelden x…", "Українська"])
        #expect(quickReplies?.map(\.payload) == ["registration", "lang.uk"])
    }

    @Test("a link is a button template whose text is the reply, with the quick replies on it")
    func link() throws {
        let reply = Reply(
            text: "Termine gibt es online.",
            buttons: [Button(label: "Termin buchen beim Bürgeramt", kind: .link, value: "https://example.org/termin")]
                + choices(2))
        let messages = renderer.render(reply, to: "1")
        #expect(messages.count == 1)
        let content = messages[0].message
        #expect(content.text == nil)
        #expect(content.attachment?.type == "template")
        #expect(content.attachment?.payload.templateType == "button")
        #expect(content.attachment?.payload.text == "Termine gibt es online.")
        #expect(
            content.attachment?.payload.buttons == [
                .init(url: "https://example.org/termin", title: "Termin buchen beim…")
            ])
        #expect(content.quickReplies?.map(\.payload) == ["intent1", "intent2"])
        let json = try MetaTestSupport.canonical(MetaJSON.encode(messages[0]))
        #expect(
            json.contains(
                #""attachment":{"payload":{"buttons":[{"title":"Termin buchen beim…","type":"web_url","url":"https://example.org/termin"}],"template_type":"button""#
            ))
    }

    @Test("more than three links: three buttons, the rest as lines in the text")
    func fourLinks() {
        let messages = renderer.render(Reply(text: "Seiten:", buttons: links(4)), to: "1")
        let payload = messages.last?.message.attachment?.payload
        #expect(payload?.buttons.map(\.url) == ["https://example.org/1", "https://example.org/2", "https://example.org/3"])
        #expect(payload?.text == "Seiten:\n\nSeite 4: https://example.org/4")
    }

    @Test("a 5,000-character answer: text parts within 2000, nothing lost")
    func longText() {
        let messages = renderer.render(Reply(text: MetaTestSupport.longAnswer, buttons: choices(2)), to: "1")
        let texts = messages.compactMap(\.message.text)
        #expect(texts.count == messages.count)
        #expect(messages.count >= 3)
        #expect(texts.allSatisfy { $0.utf16.count <= 2000 })
        #expect(messages.dropLast().allSatisfy { $0.message.quickReplies == nil })
        #expect(messages.last?.message.quickReplies?.count == 2)
        #expect(MetaTestSupport.words(texts.joined(separator: " ")) == MetaTestSupport.words(MetaTestSupport.longAnswer))
    }

    @Test("a 5,000-character answer with a link: the template's text fits 640")
    func longTextWithLink() {
        let messages = renderer.render(Reply(text: MetaTestSupport.longAnswer, buttons: links(1)), to: "1")
        let texts = messages.dropLast().compactMap(\.message.text)
        let last = messages.last?.message.attachment?.payload.text ?? ""
        #expect(texts.count == messages.count - 1)
        #expect(texts.allSatisfy { $0.utf16.count <= 2000 })
        #expect(!last.isEmpty && last.utf16.count <= 640)
        #expect(
            MetaTestSupport.words((texts + [last]).joined(separator: " ")) == MetaTestSupport.words(MetaTestSupport.longAnswer))
    }

    @Test("every message is a RESPONSE to the person")
    func envelope() {
        for message in renderer.render(Reply(text: MetaTestSupport.longAnswer), to: "2468") {
            #expect(message.messagingType == "RESPONSE")
            #expect(message.recipient.id == "2468")
        }
    }

    @Test("a reply of buttons only still says something")
    func emptyText() {
        #expect(renderer.render(Reply(text: "", buttons: choices(1)), to: "1").last?.message.text == "…")
        #expect(renderer.render(Reply(text: "", buttons: links(1)), to: "1").last?.message.attachment?.payload.text == "…")
    }
}

@Suite("Messenger: the adapter and the Send API's answers")
struct MessengerAPITests {
    @Test("the request goes to me/messages with the token in a header, never in the URL")
    func request() throws {
        let adapter = try adapter(baseURL: "http://127.0.0.1:9000")
        let call = try #require(adapter.render(Reply(text: "Hi"), to: "5678").first)
        let request = adapter.request(for: call)
        #expect(request.url == "http://127.0.0.1:9000/v25.0/me/messages")
        #expect(!request.url.contains("EAAB") && !request.url.contains("access_token"))
        #expect(request.headers == ["Authorization": "Bearer EAAB-page-token", "Content-Type": "application/json"])
    }

    @Test("the adapter verifies the reference's vector, decodes and answers the handshake")
    func adapterEndToEnd() throws {
        let adapter = try adapter()
        #expect(adapter.channel == .messenger)
        #expect(adapter.webhookContentType == .json)
        let signed = WebhookRequest(
            body: Data(messengerVectorBody.utf8), headers: ["x-hub-signature-256": messengerVectorSignature])
        #expect(adapter.isAuthentic(signed))
        #expect(
            !adapter.isAuthentic(
                WebhookRequest(
                    body: Data(messengerVectorBody.utf8),
                    headers: ["x-hub-signature": "sha1=39e2fc7bba43cecbc21ee91a15242e34cfed49bf"])))
        #expect(try adapter.decode(signed).messages.map(\.input) == [.button("COLOR_RED")])
        #expect(
            adapter.handshake(query: ["hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "9"])
                == .accept(challenge: "9"))
    }

    @Test(
        "settings that cannot work are refused at start-up",
        arguments: [("", ["s"], "v", "v25.0"), ("t", [], "v", "v25.0"), ("t", ["s"], "", "v25.0"), ("t", ["s"], "v", "latest")])
    func configuration(token: String, secrets: [String], verifyToken: String, version: String) {
        #expect(throws: MetaConfigurationError.self) {
            try FacebookMessengerAdapter(
                pageAccessToken: token, appSecrets: secrets, verifyToken: verifyToken, graphVersion: version)
        }
    }

    private func graphError(_ code: Int, subcode: Int? = nil, _ message: String = "x") -> Data {
        let sub = subcode.map { #","error_subcode":\#($0)"# } ?? ""
        return Data(#"{"error":{"message":"\#(message)","type":"OAuthException","code":\#(code)\#(sub),"fbtrace_id":"A1"}}"#.utf8)
    }

    @Test("2xx is sent with the message id")
    func sent() {
        #expect(
            MessengerAPI.classify(APIResponse(status: 200, body: Data(#"{"recipient_id":"5678","message_id":"m_AG5Hz2U"}"#.utf8)))
                == .sent(providerMessageID: "m_AG5Hz2U"))
    }

    @Test("10/2018278: outside the 24-hour window, dead and saying so")
    func windowClosed() {
        let outcome = MessengerAPI.classify(
            APIResponse(
                status: 400, body: graphError(10, subcode: 2_018_278, "(#10) This message is sent outside of allowed window.")))
        guard case .dead(let reason) = outcome else {
            Issue.record("not dead: \(outcome)")
            return
        }
        #expect(reason.contains("24-hour"))
        // Code 10 with another subcode is a different problem.
        #expect(
            MessengerAPI.classify(APIResponse(status: 400, body: graphError(10, "(#10) No permission")))
                == .dead(reason: "10: (#10) No permission"))
    }

    @Test("551: the person is not available")
    func unavailable() {
        #expect(
            MessengerAPI.classify(APIResponse(status: 400, body: graphError(551, "This person isn't available right now.")))
                == .dead(reason: "the person is not available (551)"))
    }

    @Test("rate limits are retried after Retry-After", arguments: [4, 17, 32, 613])
    func rateLimits(code: Int) {
        #expect(
            MessengerAPI.classify(APIResponse(status: 400, body: graphError(code), retryAfter: .seconds(60)))
                == .retry(after: .seconds(60), reason: "rate limited (\(code))"))
    }

    @Test("HTTP 429 is retried")
    func tooManyRequests() {
        #expect(MessengerAPI.classify(APIResponse(status: 429)) == .retry(after: nil, reason: "rate limited (HTTP 429)"))
    }

    @Test("5xx and codes 1 and 2 are retried")
    func transient() {
        #expect(MessengerAPI.classify(APIResponse(status: 503)) == .retry(after: nil, reason: "HTTP 503"))
        #expect(
            MessengerAPI.classify(APIResponse(status: 500, body: graphError(1)))
                == .retry(after: nil, reason: "temporary Graph error (1)"))
        #expect(
            MessengerAPI.classify(APIResponse(status: 503, body: graphError(2)))
                == .retry(after: nil, reason: "temporary Graph error (2)"))
    }

    @Test("190: the token was refused; anything else is dead with code and message")
    func dead() {
        #expect(MessengerAPI.classify(APIResponse(status: 401, body: graphError(190))) == .dead(reason: "access token refused"))
        #expect(
            MessengerAPI.classify(APIResponse(status: 400, body: graphError(100, "(#100) No matching user found")))
                == .dead(reason: "100: (#100) No matching user found"))
        #expect(MessengerAPI.classify(APIResponse(status: 403)) == .dead(reason: "HTTP 403"))
    }
}
