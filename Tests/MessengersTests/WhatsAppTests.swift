import Foundation
import Testing

@testable import Messengers
@testable import WelcomeCore

/// A notification around `messages` or `statuses` for the given phone number id, as Meta sends them.
private func notification(phoneNumberID: String = "1234567890", _ value: String, field: String = "messages") -> Data {
    Data(
        """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"\(field)","value":{"messaging_product":\
        "whatsapp","metadata":{"display_phone_number":"4934112345","phone_number_id":"\(phoneNumberID)"},\(value)}}]}]}
        """.utf8)
}

private func adapter(baseURL: String = GraphEndpoint.defaultBaseURL) throws -> WhatsAppAdapter {
    try WhatsAppAdapter(
        accessToken: "EAAG-whatsapp-token", appSecrets: [pywaSecret], verifyToken: "verify-me", phoneNumberID: "1234567890",
        baseURL: baseURL)
}

@Suite("WhatsApp: decoding notifications")
struct WhatsAppDecoderTests {
    let decoder = WhatsAppDecoder(phoneNumberID: "1234567890")

    @Test("Meta's overview sample is a text message from the sender's number")
    func metaOverview() throws {
        let decoded = try WhatsAppDecoder(phoneNumberID: "106540352242922").decode(
            try fixture("whatsapp_meta_overview_text.json"))
        #expect(
            decoded
                == .messages([
                    InboundMessage(
                        channel: .whatsapp, providerMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                        userID: "16505551234", chatID: "16505551234", input: .text("Does it come in another color?"))
                ]))
    }

    @Test("pywa's signed sample decodes to its text")
    func pywa() throws {
        let decoded = try WhatsAppDecoder(phoneNumberID: "277321005464405").decode(Data(pywaBody.utf8))
        #expect(decoded.messages.map(\.input) == [.text("Hey there! I am using PyWa.")])
        #expect(decoded.messages.first?.userID == "972544401243")
    }

    @Test(
        "reply buttons and list rows are button presses; a template quick reply is its text",
        arguments: [
            ("whatsapp_courier_button_reply.json", Input.button("id_button_reply")),
            ("whatsapp_courier_list_reply.json", .button("id_list_reply")),
            ("whatsapp_courier_template_button.json", .text("No")),
        ])
    func courier(name: String, input: Input) throws {
        #expect(
            try decoder.decode(try fixture(name))
                == .messages([
                    InboundMessage(
                        channel: .whatsapp, providerMessageID: "external_id", userID: "5678", chatID: "5678", input: input)
                ]))
    }

    @Test("pywa's failed status is a failed delivery with code and title")
    func failedStatus() throws {
        let decoded = try WhatsAppDecoder(phoneNumberID: "1122334455667").decode(try fixture("whatsapp_pywa_status_failed.json"))
        #expect(
            decoded
                == DecodedWebhook(statuses: [
                    DeliveryStatus(
                        channel: .whatsapp, providerMessageID: "wamid.xyzxyz", state: .failed,
                        error: "130472 User's number is part of an experiment")
                ]))
    }

    @Test("sent, delivered and read are statuses; unknown status words are ignored")
    func statuses() throws {
        let body = notification(
            #"""
            "statuses":[{"id":"wamid.1","status":"sent","timestamp":"1","recipient_id":"4917"},\#
            {"id":"wamid.1","status":"delivered","timestamp":"2","recipient_id":"4917"},\#
            {"id":"wamid.1","status":"read","timestamp":"3","recipient_id":"4917"},\#
            {"id":"wamid.1","status":"played","timestamp":"4","recipient_id":"4917"},\#
            {"id":"wamid.2","status":"failed","timestamp":"5","recipient_id":"4917","errors":[{"code":131047,"title":"Re-engagement message"}]}]
            """#)
        let decoded = try decoder.decode(body)
        #expect(
            decoded.statuses == [
                DeliveryStatus(channel: .whatsapp, providerMessageID: "wamid.1", state: .sent),
                DeliveryStatus(channel: .whatsapp, providerMessageID: "wamid.1", state: .delivered),
                DeliveryStatus(channel: .whatsapp, providerMessageID: "wamid.1", state: .read),
                DeliveryStatus(
                    channel: .whatsapp, providerMessageID: "wamid.2", state: .failed, error: "131047 Re-engagement message"),
            ])
        #expect(decoded.ignored == ["status played"])
        #expect(decoded.messages.isEmpty)
    }

    @Test("a batch of two entries with three messages gives three messages in order")
    func batch() throws {
        let change = { (messages: String) in
            #"{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1234567890"},"messages":[\#(messages)]}}"#
        }
        let text = { (id: String, body: String) in
            #"{"from":"4917","id":"\#(id)","timestamp":"1","type":"text","text":{"body":"\#(body)"}}"#
        }
        let body = """
            {"object":"whatsapp_business_account","entry":[\
            {"id":"1","changes":[\(change(text("m1", "eins") + "," + text("m2", "zwei")))]},\
            {"id":"2","changes":[\(change(text("m3", "drei")))]}]}
            """
        let decoded = try decoder.decode(Data(body.utf8))
        #expect(decoded.messages.map(\.providerMessageID) == ["m1", "m2", "m3"])
        #expect(decoded.messages.map(\.input) == [.text("eins"), .text("zwei"), .text("drei")])
    }

    @Test("a change for another phone number of the account is ignored")
    func anotherPhoneNumber() throws {
        let body = notification(
            phoneNumberID: "999", #""messages":[{"from":"4917","id":"m1","timestamp":"1","type":"text","text":{"body":"hi"}}]"#)
        #expect(try decoder.decode(body) == .ignored(kind: "another phone number"))
    }

    @Test("fields other than messages are ignored by name")
    func otherField() throws {
        let body = Data(
            #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"x"}}]}]}"#
                .utf8)
        #expect(try decoder.decode(body) == .ignored(kind: "account_update"))
    }

    @Test(
        "media, locations and contacts get the menu; a caption is read as text",
        arguments: [
            (#""type":"image","image":{"id":"1","mime_type":"image/jpeg"}"#, ""),
            (#""type":"image","image":{"id":"1","caption":"Anmeldung?"}"#, "Anmeldung?"),
            (#""type":"audio","audio":{"id":"1"}"#, ""),
            (#""type":"video","video":{"id":"1"}"#, ""),
            (#""type":"document","document":{"id":"1","filename":"a.pdf"}"#, ""),
            (#""type":"sticker","sticker":{"id":"1"}"#, ""),
            (#""type":"location","location":{"latitude":51.34,"longitude":12.37}"#, ""),
            (#""type":"contacts","contacts":[{"name":{"formatted_name":"A"}}]"#, ""),
        ])
    func media(fields: String, text: String) throws {
        let body = notification(#""messages":[{"from":"4917","id":"m1","timestamp":"1",\#(fields)}]"#)
        #expect(try decoder.decode(body).messages.map(\.input) == [.text(text)])
    }

    @Test(
        "reactions, system messages and unknown kinds are ignored with their type",
        arguments: [
            (#""type":"reaction","reaction":{"message_id":"wamid.1","emoji":"👍"}"#, "reaction"),
            (#""type":"system","system":{"body":"changed number"}"#, "system"),
            (#""type":"unsupported","errors":[{"code":131051}]"#, "unsupported"),
            (#""type":"order","order":{}"#, "order"),
            (#""type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{}}"#, "interactive nfm_reply"),
        ])
    func ignoredKinds(fields: String, kind: String) throws {
        let body = notification(#""messages":[{"from":"4917","id":"m1","timestamp":"1",\#(fields)}]"#)
        #expect(try decoder.decode(body) == .ignored(kind: kind))
    }

    @Test("errors in the value are acknowledged and ignored")
    func valueErrors() throws {
        let body = notification(#""errors":[{"code":131000,"title":"Something went wrong"}]"#)
        #expect(try decoder.decode(body) == .ignored(kind: "error 131000"))
    }

    @Test(
        "malformed bodies and other objects are errors",
        arguments: [
            "", "{", "[]", "{}", #"{"object":"page","entry":[]}"#, #"{"object":"whatsapp_business_account","entry":"x"}"#,
            #"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":"x"}}]}]}"#,
        ])
    func malformed(body: String) {
        #expect(throws: WebhookDecodingError.self) { try decoder.decode(Data(body.utf8)) }
    }
}

@Suite("WhatsApp: rendering replies")
struct WhatsAppRendererTests {
    let renderer = WhatsAppRenderer()

    private func choices(_ count: Int, label: (Int) -> String = { "Frage \($0)" }) -> [Button] {
        (1...count).map { Button(label: label($0), kind: .intent, value: "intent\($0)") }
    }

    @Test("plain text is the documented text body")
    func textBody() throws {
        let calls = try adapter().render(Reply(text: "Simple Message"), to: "250788123123")
        #expect(calls.count == 1)
        #expect(calls[0].method == "1234567890/messages")
        #expect(try MetaTestSupport.canonical(calls[0].body) == MetaTestSupport.canonical(try fixture("whatsapp_send_text.json")))
    }

    @Test("one short choice is the documented reply-button body")
    func buttonsBody() throws {
        let reply = Reply(text: "Interactive Button Msg", buttons: [Button(label: "BUTTON1", kind: .intent, value: "0")])
        let calls = try adapter().render(reply, to: "250788123123")
        #expect(calls.count == 1)
        #expect(
            try MetaTestSupport.canonical(calls[0].body) == MetaTestSupport.canonical(try fixture("whatsapp_send_buttons.json")))
    }

    @Test("many choices have the documented list shape")
    func listBody() throws {
        let reply = Reply(
            text: "Interactive List QRs Extra Msg", buttons: choices(4, label: { "Option \($0) for people new in Leipzig" }),
            choicesLabel: "Menu")
        let calls = try adapter().render(reply, to: "250788123123")
        #expect(calls.count == 1)
        #expect(try MetaTestSupport.shape(calls[0].body) == MetaTestSupport.shape(try fixture("whatsapp_send_list.json")))
        let body = try MetaTestSupport.object(calls[0].body)
        let interactive = try #require(body["interactive"] as? [String: Any])
        #expect(interactive["type"] as? String == "list")
        #expect((interactive["action"] as? [String: Any])?["button"] as? String == "Menu")
    }

    @Test("every body is for WhatsApp, one person, the chat")
    func envelope() throws {
        let reply = Reply(text: MetaTestSupport.longAnswer, buttons: choices(2))
        for call in try adapter().render(reply, to: "4917612345678") {
            let body = try MetaTestSupport.object(call.body)
            #expect(body["messaging_product"] as? String == "whatsapp")
            #expect(body["recipient_type"] as? String == "individual")
            #expect(body["to"] as? String == "4917612345678")
        }
    }

    @Test("three short choices are reply buttons with the payloads as ids")
    func threeChoices() {
        let reply = Reply(text: "Wobei?", buttons: choices(2) + [Button(label: "English", kind: .language, value: "en")])
        let messages = renderer.render(reply, to: "1")
        #expect(messages.count == 1)
        #expect(messages[0].type == "interactive")
        #expect(messages[0].interactive?.type == "button")
        #expect(messages[0].interactive?.body.text == "Wobei?")
        #expect(messages[0].interactive?.action.buttons?.map(\.reply.id) == ["intent1", "intent2", "lang.en"])
        #expect(messages[0].interactive?.action.buttons?.map(\.reply.title) == ["Frage 1", "Frage 2", "English"])
        #expect(messages[0].interactive?.action.sections == nil)
    }

    @Test("four choices are a list with the reply's label on its button")
    func fourChoices() {
        let messages = renderer.render(Reply(text: "Wobei?", buttons: choices(4), choicesLabel: "Themen"), to: "1")
        let interactive = messages.last?.interactive
        #expect(interactive?.type == "list")
        #expect(interactive?.action.buttons == nil)
        #expect(interactive?.action.button == "Themen")
        #expect(interactive?.action.sections?.first?.rows.map(\.id) == ["intent1", "intent2", "intent3", "intent4"])
        #expect(interactive?.action.sections?.first?.rows.allSatisfy { $0.description == nil } == true)
    }

    @Test("a 21-character title does not fit a reply button: a list, where it fits a row whole")
    func twentyOneCharacters() {
        let label = "Wohnsitz anmelden xyz"
        #expect(label.count == 21)
        let messages = renderer.render(Reply(text: "Wobei?", buttons: [Button(label: label, kind: .intent, value: "a")]), to: "1")
        let row = messages.last?.interactive?.action.sections?.first?.rows.first
        #expect(messages.last?.interactive?.type == "list")
        #expect(row?.title == label)
        #expect(row?.description == nil)
        #expect(messages.last?.interactive?.action.button == "☰")
    }

    @Test("20 characters still fit a reply button")
    func twentyCharacters() {
        let messages = renderer.render(
            Reply(text: "Wobei?", buttons: [Button(label: String(repeating: "a", count: 20), kind: .intent, value: "a")]), to: "1"
        )
        #expect(messages.last?.interactive?.type == "button")
    }

    @Test("a row title over 24 is cut to 23 and '…', the whole label in the description")
    func longRowTitle() {
        let label = "Aufenthaltstitel verlängern bei der Ausländerbehörde"
        let messages = renderer.render(Reply(text: "Wobei?", buttons: [Button(label: label, kind: .intent, value: "a")]), to: "1")
        let row = messages.last?.interactive?.action.sections?.first?.rows.first
        #expect(row?.title == "Aufenthaltstitel verlän…")
        #expect(row?.title.utf16.count == 24)
        #expect(row?.description == label)
    }

    @Test("eleven choices: the first ten rows")
    func elevenRows() {
        let messages = renderer.render(Reply(text: "Wobei?", buttons: choices(11)), to: "1")
        let rows = messages.last?.interactive?.action.sections?.first?.rows ?? []
        #expect(rows.count == 10)
        #expect(rows.map(\.id) == (1...10).map { "intent\($0)" })
    }

    @Test("a long list label is cut to 20")
    func longListLabel() {
        let messages = renderer.render(
            Reply(text: "Wobei?", buttons: choices(5), choicesLabel: "Alle Themen ansehen und auswählen"), to: "1")
        let button = messages.last?.interactive?.action.button ?? ""
        #expect(button.utf16.count <= 20)
        #expect(button.hasSuffix("…"))
    }

    @Test("links are lines in the text, since an interactive message cannot mix them with reply buttons")
    func links() {
        let reply = Reply(
            text: "Termine gibt es online.",
            buttons: [
                Button(label: "Termin buchen", kind: .link, value: "https://example.org/termin"),
                Button(label: "Hilfe", kind: .intent, value: "help"),
            ])
        let messages = renderer.render(reply, to: "1")
        #expect(messages.count == 1)
        #expect(messages[0].interactive?.body.text == "Termine gibt es online.\n\nTermin buchen: https://example.org/termin")
        #expect(messages[0].interactive?.action.buttons?.map(\.reply.id) == ["help"])
        let onlyLink = renderer.render(
            Reply(text: "Hier:", buttons: [Button(label: "Stadt", kind: .link, value: "https://leipzig.de")]), to: "1")
        #expect(onlyLink == [.init(to: "1", text: "Hier:\n\nStadt: https://leipzig.de")])
        #expect(onlyLink[0].text?.previewURL == false)
    }

    @Test("a 5,000-character answer without choices: text parts within 4096, nothing lost")
    func longText() {
        let messages = renderer.render(Reply(text: MetaTestSupport.longAnswer), to: "1")
        #expect(MetaTestSupport.longAnswer.count > 5000)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.type == "text" && $0.text!.body.utf16.count <= 4096 })
        #expect(
            MetaTestSupport.words(messages.map { $0.text!.body }.joined(separator: " "))
                == MetaTestSupport.words(MetaTestSupport.longAnswer))
    }

    @Test("a 5,000-character answer with choices: the last part fits the interactive body's 1024")
    func longTextWithChoices() {
        let messages = renderer.render(Reply(text: MetaTestSupport.longAnswer, buttons: choices(3)), to: "1")
        let texts = messages.dropLast().map { $0.text?.body ?? "" }
        let body = messages.last?.interactive?.body.text ?? ""
        #expect(messages.dropLast().allSatisfy { $0.type == "text" })
        #expect(texts.allSatisfy { $0.utf16.count <= 4096 })
        #expect(!body.isEmpty && body.utf16.count <= 1024)
        #expect(
            MetaTestSupport.words((texts + [body]).joined(separator: " ")) == MetaTestSupport.words(MetaTestSupport.longAnswer))
    }

    @Test("a reply of buttons only still says something")
    func emptyText() {
        #expect(renderer.render(Reply(text: "", buttons: choices(2)), to: "1").last?.interactive?.body.text == "…")
        #expect(renderer.render(Reply(text: ""), to: "1") == [.init(to: "1", text: "…")])
    }

    @Test("a choice whose payload cannot come back is left out")
    func longPayload() {
        let reply = Reply(
            text: "x",
            buttons: [
                Button(label: "ok", kind: .intent, value: "a"),
                Button(label: "zu lang", kind: .intent, value: String(repeating: "y", count: 201)),
            ])
        #expect(renderer.render(reply, to: "1").last?.interactive?.action.buttons?.map(\.reply.title) == ["ok"])
    }
}

@Suite("WhatsApp: the adapter and the Cloud API's answers")
struct WhatsAppAPITests {
    @Test("the request goes to the phone number's messages with the bearer token")
    func request() throws {
        let call = try #require(try adapter(baseURL: "http://127.0.0.1:9000/").render(Reply(text: "Hi"), to: "4917").first)
        let request = try adapter(baseURL: "http://127.0.0.1:9000/").request(for: call)
        #expect(request.url == "http://127.0.0.1:9000/v25.0/1234567890/messages")
        #expect(request.method == "POST")
        #expect(request.headers == ["Authorization": "Bearer EAAG-whatsapp-token", "Content-Type": "application/json"])
        #expect(request.body == call.body)
        let pinned = try WhatsAppAPI(accessToken: "t", phoneNumberID: "1", graphVersion: "v23.0")
        let pinnedCall = APICall(method: pinned.messagesMethod, body: call.body)
        #expect(pinned.request(for: pinnedCall).url == "https://graph.facebook.com/v23.0/1/messages")
    }

    @Test("the adapter verifies, decodes and answers the handshake")
    func adapterEndToEnd() throws {
        let adapter = try adapter()
        #expect(adapter.channel == .whatsapp)
        #expect(adapter.webhookContentType == .json)
        let signed = WebhookRequest(body: Data(pywaBody.utf8), headers: ["X-Hub-Signature-256": pywaSignature])
        #expect(adapter.isAuthentic(signed))
        #expect(!adapter.isAuthentic(WebhookRequest(body: Data(pywaBody.utf8))))
        // The vector's phone number is not this adapter's.
        #expect(try adapter.decode(signed) == .ignored(kind: "another phone number"))
        #expect(
            adapter.handshake(query: ["hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "7"])
                == .accept(challenge: "7"))
        #expect(adapter.handshake(query: ["hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "7"]) == .reject)
    }

    @Test(
        "settings that cannot work are refused at start-up with a clear message",
        arguments: [
            ("", [pywaSecret], "v", "1"), ("t", [], "v", "1"), ("t", [""], "v", "1"), ("t", [pywaSecret], "", "1"),
            ("t", [pywaSecret], "v", ""), ("t", [pywaSecret], "v", "+49 341 123"),
        ])
    func configuration(token: String, secrets: [String], verifyToken: String, phoneNumberID: String) {
        #expect(throws: MetaConfigurationError.self) {
            try WhatsAppAdapter(accessToken: token, appSecrets: secrets, verifyToken: verifyToken, phoneNumberID: phoneNumberID)
        }
        do {
            _ = try WhatsAppAdapter(
                accessToken: token, appSecrets: secrets, verifyToken: verifyToken, phoneNumberID: phoneNumberID)
        } catch {
            #expect(error.description.hasPrefix("WhatsApp "))
        }
    }

    private func graphError(_ code: Int, _ message: String = "x") -> Data {
        Data(#"{"error":{"message":"\#(message)","type":"OAuthException","code":\#(code),"fbtrace_id":"A1"}}"#.utf8)
    }

    @Test("2xx is sent with the wamid Meta gave")
    func sent() throws {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 200, body: try fixture("whatsapp_send_response.json")))
                == .sent(providerMessageID: "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"))
        #expect(WhatsAppAPI.classify(APIResponse(status: 200)) == .sent(providerMessageID: nil))
    }

    @Test("131047: the 24-hour window is closed, the message is dead and the reason says so")
    func windowClosed() {
        let outcome = WhatsAppAPI.classify(APIResponse(status: 400, body: graphError(131_047, "Re-engagement message")))
        guard case .dead(let reason) = outcome else {
            Issue.record("not dead: \(outcome)")
            return
        }
        #expect(reason.contains("24-hour window"))
        #expect(reason.contains("131047"))
    }

    @Test("rate limits are retried after Retry-After", arguments: [130_429, 131_056, 80007, 4])
    func rateLimits(code: Int) {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 400, body: graphError(code), retryAfter: .seconds(30)))
                == .retry(after: .seconds(30), reason: "rate limited (\(code))"))
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 400, body: graphError(code)))
                == .retry(after: nil, reason: "rate limited (\(code))"))
    }

    @Test("HTTP 429 without a Graph error is retried")
    func tooManyRequests() {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 429, retryAfter: .seconds(5)))
                == .retry(after: .seconds(5), reason: "rate limited (HTTP 429)"))
    }

    @Test("Meta's own trouble is retried with backoff", arguments: [1, 2, 131_000])
    func transient(code: Int) {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 500, body: graphError(code)))
                == .retry(after: nil, reason: "temporary Graph error (\(code))"))
    }

    @Test("5xx is retried", arguments: [500, 502, 503])
    func serverError(status: Int) {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: status, body: Data("Bad Gateway".utf8)))
                == .retry(after: nil, reason: "HTTP \(status)"))
    }

    @Test("190: the access token was refused")
    func tokenRefused() {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 401, body: graphError(190, "Error validating access token")))
                == .dead(reason: "access token refused"))
    }

    @Test("other errors are dead with code and message, without phone numbers")
    func otherErrors() {
        #expect(
            WhatsAppAPI.classify(APIResponse(status: 400, body: graphError(100, "(#100) Invalid parameter")))
                == .dead(reason: "100: (#100) Invalid parameter"))
        #expect(
            WhatsAppAPI.classify(
                APIResponse(status: 400, body: graphError(131_030, "Recipient 4917612345678 not in allowed list")))
                == .dead(reason: "131030: Recipient … not in allowed list"))
        #expect(WhatsAppAPI.classify(APIResponse(status: 404)) == .dead(reason: "HTTP 404"))
    }
}
