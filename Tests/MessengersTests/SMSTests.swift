import Foundation
import Testing

@testable import Messengers
@testable import WelcomeCore

/// The known-answer vectors of twilio-python's request validator (gateways README §7.2).
enum TwilioVectors {
    static let token = "12345"
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let urlWithPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    static let parameters = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"), ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]
    static let olderParameters = parameters.map { $0.0 == "Caller" || $0.0 == "From" ? ($0.0, "+12349013030") : $0 }
    static let signature = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    static let signatureWithPort = "kvajT1Ptam85bY51eRf/AJRuM3w="
    static let olderSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    static let jsonBody = #"{"property": "value", "boolean": true}"#
    static let bodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    static let jsonSignature = "a9nBmqA0ju/hNViExpshrM61xv4="

    /// The body in the order given, as Twilio posts it (the verifier sorts).
    static func body(_ parameters: [(String, String)]) -> Data {
        FormEncoding.encode(parameters.reversed())
    }
}

let testSID = "AC" + String(repeating: "0", count: 32)

func smsAdapter(
    token: String = "token-now", previous: String? = nil, url: String = "https://bot.example.org/webhooks/sms",
    mode: SMSAdapter.ReplyMode = .api, statusCallback: String? = nil
) throws -> SMSAdapter {
    try SMSAdapter(
        accountSID: testSID, authToken: token, previousAuthToken: previous, phoneNumber: "+4934112345678",
        publicWebhookURL: url, apiBaseURL: "http://127.0.0.1:9000/", replyMode: mode, statusCallbackURL: statusCallback)
}

@Suite("SMS: verifying Twilio signatures")
struct TwilioVerifierTests {
    func request(_ body: Data, signature: String?, uri: String = "/myapp.php") -> WebhookRequest {
        WebhookRequest(body: body, headers: signature.map { ["X-Twilio-Signature": $0] } ?? [:], uri: uri)
    }

    @Test("the signed text is the URL and the parameters sorted by name, without separators")
    func signedText() {
        #expect(
            TwilioVerifier.signedText(url: TwilioVectors.url, parameters: TwilioVectors.parameters.reversed())
                == "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234"
                + "From+14158675309To+18005551212")
    }

    @Test(
        "every known-answer vector passes, with the URL configured with or without the default port",
        arguments: [
            (TwilioVectors.url, TwilioVectors.parameters, TwilioVectors.signature),
            (TwilioVectors.url, TwilioVectors.parameters, TwilioVectors.signatureWithPort),
            (TwilioVectors.urlWithPort, TwilioVectors.parameters, TwilioVectors.signature),
            (TwilioVectors.urlWithPort, TwilioVectors.parameters, TwilioVectors.signatureWithPort),
            (TwilioVectors.url, TwilioVectors.olderParameters, TwilioVectors.olderSignature),
        ])
    func vectors(url: String, parameters: [(String, String)], signature: String) throws {
        let adapter = try smsAdapter(token: TwilioVectors.token, url: url)
        #expect(adapter.isAuthentic(request(TwilioVectors.body(parameters), signature: signature)))
    }

    @Test("the JSON-body variant: signature over the URL only, the body must match bodySHA256")
    func jsonBody() throws {
        let url = TwilioVectors.url + "&bodySHA256=" + TwilioVectors.bodyHash
        let verifier = TwilioVerifier(authTokens: [TwilioVectors.token], publicURL: url)
        let body = Data(TwilioVectors.jsonBody.utf8)
        #expect(TwilioVerifier.sha256Hex(body) == TwilioVectors.bodyHash)
        #expect(verifier.isAuthentic(signature: TwilioVectors.jsonSignature, uri: "/myapp.php", body: body))
        #expect(!verifier.isAuthentic(signature: TwilioVectors.jsonSignature, uri: "/myapp.php", body: body + Data(" ".utf8)))
        // The hash may as well come with the request's query string.
        let fromQuery = TwilioVerifier(authTokens: [TwilioVectors.token], publicURL: "https://mycompany.com/myapp.php")
        let uri = "/myapp.php?foo=1&bar=2&bodySHA256=" + TwilioVectors.bodyHash
        #expect(fromQuery.isAuthentic(signature: TwilioVectors.jsonSignature, uri: uri, body: body))
    }

    @Test("a wrong token, a changed or added parameter, or no signature fail")
    func forgeries() throws {
        let body = TwilioVectors.body(TwilioVectors.parameters)
        let wrongToken = try smsAdapter(token: "54321", url: TwilioVectors.url)
        #expect(!wrongToken.isAuthentic(request(body, signature: TwilioVectors.signature)))
        let adapter = try smsAdapter(token: TwilioVectors.token, url: TwilioVectors.url)
        let changed = TwilioVectors.parameters.map { $0.0 == "Digits" ? ($0.0, "1235") : $0 }
        #expect(!adapter.isAuthentic(request(TwilioVectors.body(changed), signature: TwilioVectors.signature)))
        let added = TwilioVectors.parameters + [("Body", "hi")]
        #expect(!adapter.isAuthentic(request(TwilioVectors.body(added), signature: TwilioVectors.signature)))
        #expect(!adapter.isAuthentic(request(body, signature: nil)))
        #expect(!adapter.isAuthentic(request(body, signature: "")))
        #expect(!adapter.isAuthentic(request(body, signature: TwilioVectors.olderSignature)))
    }

    @Test("during a rotation the previous token passes too, and only then")
    func rotation() throws {
        let body = TwilioVectors.body(TwilioVectors.parameters)
        let rotating = try smsAdapter(token: "the-new-token", previous: TwilioVectors.token, url: TwilioVectors.url)
        #expect(rotating.isAuthentic(request(body, signature: TwilioVectors.signature)))
        let rotated = try smsAdapter(token: "the-new-token", url: TwilioVectors.url)
        #expect(!rotated.isAuthentic(request(body, signature: TwilioVectors.signature)))
    }

    @Test("the request's query string is signed when the configured URL has none, and only then")
    func queryString() throws {
        let body = TwilioVectors.body(TwilioVectors.parameters)
        let bare = try smsAdapter(token: TwilioVectors.token, url: "https://mycompany.com/myapp.php")
        #expect(bare.isAuthentic(request(body, signature: TwilioVectors.signature, uri: "/myapp.php?foo=1&bar=2")))
        #expect(!bare.isAuthentic(request(body, signature: TwilioVectors.signature, uri: "/myapp.php")))
        #expect(!bare.isAuthentic(request(body, signature: TwilioVectors.signature, uri: "/myapp.php?foo=1&bar=3")))
        // A configured query string is what Twilio requested; the request's own is not used.
        let configured = try smsAdapter(token: TwilioVectors.token, url: TwilioVectors.url)
        #expect(configured.isAuthentic(request(body, signature: TwilioVectors.signature, uri: "/myapp.php?other=1")))
    }

    @Test("the host the request names is never used: a URL that differs from the configured one fails")
    func publicURLOnly() throws {
        let body = TwilioVectors.body(TwilioVectors.parameters)
        let adapter = try smsAdapter(token: TwilioVectors.token, url: "https://internal:8080/myapp.php?foo=1&bar=2")
        let forwarded = WebhookRequest(
            body: body, headers: ["X-Twilio-Signature": TwilioVectors.signature, "Host": "mycompany.com"],
            uri: "/myapp.php?foo=1&bar=2")
        #expect(!adapter.isAuthentic(forwarded))
    }

    @Test(
        "the default port is added or removed, other ports are kept",
        arguments: [
            ("https://a.example/x?y=1", ["https://a.example/x?y=1", "https://a.example:443/x?y=1"]),
            ("https://a.example:443/x", ["https://a.example:443/x", "https://a.example/x"]),
            ("http://a.example", ["http://a.example", "http://a.example:80"]),
            ("http://a.example:80?q", ["http://a.example:80?q", "http://a.example?q"]),
            ("https://a.example:8443/x", ["https://a.example:8443/x"]),
            ("https://[::1]/x", ["https://[::1]/x", "https://[::1]:443/x"]),
        ])
    func ports(url: String, variants: [String]) {
        #expect(TwilioVerifier.portVariants(of: url) == variants)
    }
}

@Suite("SMS: configuration")
struct SMSConfigurationTests {
    @Test("a valid configuration is accepted")
    func valid() throws {
        let adapter = try smsAdapter(statusCallback: "https://bot.example.org/webhooks/sms")
        #expect(adapter.channel == .sms)
        #expect(adapter.webhookContentType == .form)
        #expect(adapter.replyMode == .api)
    }

    @Test("an account SID that is not 'AC…' is refused", arguments: ["", "AC", "SK" + String(repeating: "0", count: 32), "ac12"])
    func accountSID(sid: String) {
        #expect(throws: SMSConfigurationError.invalidAccountSID) {
            try SMSAdapter(
                accountSID: sid, authToken: "t", phoneNumber: "+4934112345678", publicWebhookURL: "https://bot.example.org/sms")
        }
    }

    @Test(
        "a phone number not in E.164 is refused",
        arguments: ["", "4934112345678", "+0341123", "+49 341 123", "+1234567890123456"])
    func phoneNumber(number: String) {
        #expect(throws: SMSConfigurationError.invalidPhoneNumber) {
            try SMSAdapter(
                accountSID: testSID, authToken: "t", phoneNumber: number, publicWebhookURL: "https://bot.example.org/sms")
        }
    }

    @Test(
        "a public URL that is not absolute http(s) is refused",
        arguments: ["", "/webhooks/sms", "ftp://bot.example.org/sms", "https://"])
    func publicURL(url: String) {
        #expect(throws: SMSConfigurationError.invalidWebhookURL) {
            try SMSAdapter(accountSID: testSID, authToken: "t", phoneNumber: "+4934112345678", publicWebhookURL: url)
        }
    }

    @Test("an empty auth token and a relative status callback URL are refused")
    func others() {
        #expect(throws: SMSConfigurationError.missingAuthToken) {
            try SMSAdapter(
                accountSID: testSID, authToken: "", phoneNumber: "+4934112345678", publicWebhookURL: "https://b.example/sms")
        }
        #expect(throws: SMSConfigurationError.invalidStatusCallbackURL) {
            try SMSAdapter(
                accountSID: testSID, authToken: "t", phoneNumber: "+4934112345678", publicWebhookURL: "https://b.example/sms",
                statusCallbackURL: "/status")
        }
    }
}

@Suite("SMS: decoding Twilio webhooks")
struct TwilioDecoderTests {
    func decode(_ form: String, mode: SMSAdapter.ReplyMode = .api) throws -> DecodedWebhook {
        try smsAdapter(mode: mode).decode(WebhookRequest(body: Data(form.utf8)))
    }

    @Test("the courier's inbound SMS is the text 'Msg' from +14133881111")
    func inbound() throws {
        let decoded = try smsAdapter().decode(WebhookRequest(body: try fixture("twilio_inbound_sms.form")))
        #expect(
            decoded
                == .messages([
                    InboundMessage(
                        channel: .sms, providerMessageID: "SMe287d7109a5a925f182f0e07fe5b223b", userID: "+14133881111",
                        chatID: "+14133881111", input: .text("Msg"))
                ]))
    }

    @Test("in TwiML mode the message is answered in the response")
    func twimlMode() throws {
        let decoded = try smsAdapter(mode: .twiml).decode(WebhookRequest(body: try fixture("twilio_inbound_sms.form")))
        #expect(decoded.messages.map(\.replyInResponse) == [true])
    }

    @Test(
        "status callbacks become delivery statuses of the MessageSid",
        arguments: [
            ("sent", DeliveryStatus.State.sent, nil as String?),
            ("delivered", .delivered, nil),
            ("read", .read, nil),
        ])
    func statuses(status: String, state: DeliveryStatus.State, error: String?) throws {
        let decoded = try decode("MessageSid=SM1&MessageStatus=\(status)&SmsStatus=\(status)&To=%2B4915112345678")
        #expect(decoded == DecodedWebhook(statuses: [DeliveryStatus(channel: .sms, providerMessageID: "SM1", state: state)]))
    }

    @Test("undelivered and failed carry the ErrorCode", arguments: [("undelivered", "30003"), ("failed", "30007")])
    func failures(status: String, code: String) throws {
        let decoded = try decode("MessageSid=SM2&MessageStatus=\(status)&ErrorCode=\(code)")
        #expect(
            decoded.statuses == [DeliveryStatus(channel: .sms, providerMessageID: "SM2", state: .failed, error: code)])
        #expect(decoded.messages.isEmpty)
    }

    @Test("steps before 'sent' are acknowledged and ignored", arguments: ["queued", "accepted", "sending"])
    func early(status: String) throws {
        #expect(try decode("MessageSid=SM3&MessageStatus=\(status)") == .ignored(kind: "status \(status)"))
    }

    @Test(
        "without MessageSid it is not a Twilio webhook",
        arguments: ["", "Body=hi&From=%2B4915112345678", "MessageSid=&From=%2B49151"])
    func missingSid(form: String) {
        #expect(throws: WebhookDecodingError.self) { try decode(form) }
    }

    @Test("an inbound message without From cannot be answered")
    func missingFrom() {
        #expect(throws: WebhookDecodingError.self) { try decode("MessageSid=SM4&Body=hi") }
    }

    @Test(
        "the '+' of a number survives, escaped or not",
        arguments: [
            ("From=%2B4915112345678", "+4915112345678"),
            ("From=+4915112345678", "+4915112345678"),
            ("From=whatsapp%3A%2B4915112345678", "whatsapp:+4915112345678"),
            ("From=whatsapp:+4915112345678", "whatsapp:+4915112345678"),
        ])
    func plus(field: String, number: String) throws {
        let message = try #require(try decode("MessageSid=SM5&Body=Hallo&\(field)").messages.first)
        #expect(message.userID == number)
        #expect(message.chatID == number)
        // And on the way back: the reply's To is escaped so that Twilio reads the '+'.
        let call = try #require(try smsAdapter().render(Reply(text: "Hi"), to: message.chatID).first)
        #expect(FormEncoding.decode(call.body).first { $0.0 == "To" }?.1 == number)
        #expect(String(decoding: call.body, as: UTF8.self).contains("%2B4915112345678"))
    }

    @Test("an MMS without Body is empty text; a WhatsApp button reply is a button")
    func kinds() throws {
        let mms = try decode("MessageSid=MM1&From=%2B4915112345678&NumMedia=1&MediaUrl0=https%3A%2F%2Fx.example%2Fm")
        #expect(mms.messages.map(\.input) == [.text("")])
        let button = try decode(
            "MessageSid=SM6&From=whatsapp%3A%2B4915112345678&Body=Adresse&ButtonText=Adresse&ButtonPayload=address")
        #expect(button.messages.map(\.input) == [.button("address")])
    }

    @Test("MessageStatus 'received' is an inbound message")
    func received() throws {
        let decoded = try decode("MessageSid=SM7&MessageStatus=received&From=%2B4915112345678&Body=Termin")
        #expect(decoded.messages.map(\.input) == [.text("Termin")])
        #expect(decoded.statuses.isEmpty)
    }
}

@Suite("SMS: rendering replies")
struct SMSRendererTests {
    let renderer = SMSRenderer()

    @Test("buttons become numbered lines after the text, all of them in order, links with their address")
    func choices() {
        let reply = Reply(
            text: "Wobei kann ich helfen?",
            buttons: [
                Button(label: "Address", kind: .intent, value: "address"),
                Button(label: "العربية", kind: .language, value: "ar"),
                Button(label: "Book an appointment", kind: .link, value: "https://example.org/termin"),
            ])
        #expect(
            renderer.render(reply) == [
                "Wobei kann ich helfen?\n\n1. Address\n2. العربية\n3. Book an appointment: https://example.org/termin"
            ])
        #expect(renderer.render(Reply(text: "", buttons: [Button(label: "Help", kind: .intent, value: "help")])) == ["1. Help"])
        #expect(renderer.render(Reply(text: "")) == ["…"])
    }

    @Test("a 5,000-character answer is split into parts of at most 1600, nothing lost, choices in the last")
    func long() {
        let sentence = "Die Anmeldung der Wohnung ist innerhalb von zwei Wochen nötig. "
        let text = String(String(repeating: sentence, count: 80).prefix(5000))
        #expect(text.count == 5000)
        let reply = Reply(text: text, buttons: [Button(label: "Termin", kind: .intent, value: "appointment")])
        let parts = renderer.render(reply)
        #expect(parts.count == 4)
        #expect(parts.allSatisfy { $0.count <= SMSRenderer.bodyLimit })
        #expect(parts.last?.hasSuffix("\n\n1. Termin") == true)
        #expect(parts.dropLast().allSatisfy { !$0.contains("1. Termin") })
        let sent = parts.joined().filter { !$0.isWhitespace }
        #expect(sent == (text + "1. Termin").filter { !$0.isWhitespace })
    }

    @Test("choices that no longer fit with the last part go in a message of their own")
    func choicesAlone() {
        let text = String(repeating: "a", count: 1591)  // with "\n\n1. Hilfe" one over the limit
        let parts = renderer.render(Reply(text: text, buttons: [Button(label: "Hilfe", kind: .intent, value: "help")]))
        #expect(parts == [text, "1. Hilfe"])
    }

    @Test("an answer in Arabic travels as UCS-2, 67 UTF-16 units per segment")
    func arabic() {
        let text = String(repeating: "مرحبا ", count: 25)  // 150 UTF-16 units
        let segments = renderer.segments(of: Reply(text: text))
        #expect(segments == [SMSSegments(encoding: .ucs2, units: 150, count: 3)])
        #expect(SMSSegments("مرحبا") == SMSSegments(encoding: .ucs2, units: 5, count: 1))
        #expect(SMSSegments(String(repeating: "م", count: 70)).count == 1)
        #expect(SMSSegments(String(repeating: "م", count: 71)).count == 2)
    }

    @Test("one character outside GSM-7 makes the whole message UCS-2; an emoji is two units")
    func ucs2() {
        #expect(SMSSegments("Hallo 👋") == SMSSegments(encoding: .ucs2, units: 8, count: 1))
        #expect(SMSSegments("Grüße aus Leipzig").encoding == .gsm7)
        #expect(SMSSegments("Ça va").encoding == .gsm7)
        #expect(SMSSegments("ça va").encoding == .ucs2)
    }

    @Test("GSM-7: extension characters count twice and are never cut between segments")
    func gsm7() {
        #expect(SMSSegments("Preis: 10€") == SMSSegments(encoding: .gsm7, units: 11, count: 1))
        #expect(SMSSegments("{[~]}").units == 10)
        #expect(SMSSegments(String(repeating: "a", count: 160)).count == 1)
        #expect(SMSSegments(String(repeating: "a", count: 161)).count == 2)
        #expect(SMSSegments(String(repeating: "a", count: 159) + "€").count == 2)
        #expect(SMSSegments(String(repeating: "a", count: 306)).count == 2)
        // 306 septets as well, but the escape pair does not fit in the first segment's last septet.
        let straddling = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        #expect(SMSSegments(straddling) == SMSSegments(encoding: .gsm7, units: 306, count: 3))
        #expect(SMSSegments("").count == 0)
    }

    @Test("the GSM 03.38 tables are complete: 127 basic characters and 10 in the extension")
    func tables() {
        #expect(SMSSegments.basic.count == 127)
        #expect(SMSSegments.extended.count == 10)
        #expect(SMSSegments.basic.isDisjoint(with: SMSSegments.extended))
    }

    @Test("the TwiML answer has the shape of twilio_reply.xml, as text/xml")
    func twiml() throws {
        let adapter = try smsAdapter(mode: .twiml)
        let message = InboundMessage(
            channel: .sms, providerMessageID: "SM1", userID: "+49151", chatID: "+49151", input: .text("hi"))
        let response = adapter.webhookResponse(Reply(text: "Hello"), to: message)
        let expected = String(decoding: try fixture("twilio_reply.xml"), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(String(decoding: response.body, as: UTF8.self) == expected)
        #expect(response.contentType == "text/xml")
        #expect(
            String(decoding: adapter.acknowledgement.body, as: UTF8.self) == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#
        )
        #expect(adapter.acknowledgement.contentType == "text/xml")
    }

    @Test("TwiML escapes the five XML characters, drops control characters and has a Message per part")
    func twimlEscaping() {
        let twiml = renderer.twiml(Reply(text: "Tom & \"Jerry\" <b>'s\u{07}"))
        #expect(
            twiml
                == #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;s</Message></Response>"#
        )
        let long = renderer.twiml(Reply(text: String(repeating: "Satz. ", count: 600)))
        #expect(long.components(separatedBy: "<Message>").count - 1 == 3)
    }

    @Test("each message is a Messages.json call with To, From, Body and the status callback")
    func apiCalls() throws {
        let adapter = try smsAdapter(statusCallback: "https://bot.example.org/webhooks/sms")
        let calls = adapter.render(Reply(text: String(repeating: "Satz. ", count: 300)), to: "+4915112345678")
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0.method == "2010-04-01/Accounts/\(testSID)/Messages.json" })
        let form = FormEncoding.decode(calls[0].body)
        #expect(form.map(\.0) == ["To", "From", "Body", "StatusCallback"])
        #expect(form.map(\.1).prefix(2) == ["+4915112345678", "+4934112345678"])
        #expect(form[3].1 == "https://bot.example.org/webhooks/sms")
        let plain = try smsAdapter().render(Reply(text: "Hi"), to: "+4915112345678")
        #expect(FormEncoding.decode(plain[0].body).map(\.0) == ["To", "From", "Body"])
    }

    @Test("the request goes to the base URL with HTTP Basic credentials, form-encoded")
    func request() throws {
        let adapter = try smsAdapter(token: "secret")
        let call = try #require(adapter.render(Reply(text: "Hi"), to: "+4915112345678").first)
        let request = adapter.request(for: call)
        #expect(request.url == "http://127.0.0.1:9000/2010-04-01/Accounts/\(testSID)/Messages.json")
        #expect(request.method == "POST")
        #expect(request.headers["Authorization"] == "Basic " + Data("\(testSID):secret".utf8).base64EncodedString())
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(request.body == call.body)
    }
}

@Suite("SMS: what an answer means")
struct TwilioAPITests {
    func error(_ status: Int, code: Int, message: String, retryAfter: Duration? = nil) -> SendOutcome {
        let body =
            #"{"code": \#(code), "message": "\#(message)", "more_info": "https://www.twilio.com/docs/errors/\#(code)", "status": \#(status)}"#
        return TwilioAPI.classify(APIResponse(status: status, body: Data(body.utf8), retryAfter: retryAfter))
    }

    @Test("201 with a sid is sent, with the sid for the status callbacks")
    func sent() {
        let body = #"{"sid": "SM1234567890abcdef1234567890abcdef", "status": "queued", "body": "Hallo"}"#
        #expect(
            TwilioAPI.classify(APIResponse(status: 201, body: Data(body.utf8)))
                == .sent(providerMessageID: "SM1234567890abcdef1234567890abcdef"))
    }

    @Test("opting out with STOP is dead, saying so, without the number")
    func optedOut() {
        let outcome = error(400, code: 21610, message: "Attempt to send to unsubscribed recipient +4915112345678")
        guard case .dead(let reason) = outcome else {
            Issue.record("not dead: \(outcome)")
            return
        }
        #expect(reason.hasPrefix("21610: the person opted out with STOP"))
        #expect(!reason.contains("4915112345678"))
    }

    @Test("numbers that cannot be reached are dead", arguments: [21211, 21614, 21408, 21612])
    func unreachable(code: Int) {
        let outcome = error(400, code: code, message: "The 'To' number +4915112345678 is not valid")
        guard case .dead(let reason) = outcome else {
            Issue.record("not dead: \(outcome)")
            return
        }
        #expect(reason.hasPrefix("\(code): the number cannot be reached"))
        #expect(!reason.contains("4915112345678"))
    }

    @Test("refused credentials are dead")
    func credentials() {
        #expect(
            error(401, code: 20003, message: "Authenticate")
                == .dead(reason: "20003: credentials refused (check the account SID and auth token)"))
    }

    @Test("too many requests and server errors are retried, after Retry-After when given")
    func retries() {
        #expect(
            error(429, code: 20429, message: "Too Many Requests", retryAfter: .seconds(2))
                == .retry(after: .seconds(2), reason: "20429: too many requests"))
        #expect(error(400, code: 20429, message: "Too Many Requests") == .retry(after: nil, reason: "20429: too many requests"))
        #expect(
            TwilioAPI.classify(APIResponse(status: 429, body: Data(), retryAfter: .seconds(5)))
                == .retry(after: .seconds(5), reason: "429: too many requests"))
        #expect(TwilioAPI.classify(APIResponse(status: 503, body: Data("<html>".utf8))) == .retry(after: nil, reason: "HTTP 503"))
        #expect(
            error(500, code: 20500, message: "Internal Server Error")
                == .retry(after: nil, reason: "20500: Internal Server Error"))
    }

    @Test("other errors are dead with code and message, phone numbers left out")
    func others() {
        #expect(
            error(400, code: 21617, message: "The concatenated message body exceeds the 1600 character limit")
                == .dead(reason: "21617: The concatenated message body exceeds the 1600 character limit"))
        #expect(
            error(400, code: 21606, message: "The From phone number +1 (500) 555-0001 is not a valid, SMS-capable number.")
                == .dead(reason: "21606: The From phone number <number> is not a valid, SMS-capable number."))
        #expect(TwilioAPI.classify(APIResponse(status: 404, body: Data())) == .dead(reason: "HTTP 404"))
    }
}
