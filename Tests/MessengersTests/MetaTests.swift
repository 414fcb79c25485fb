import Foundation
import Testing

@testable import Messengers
@testable import WelcomeCore

/// The body of pywa's signature test (tests/test_server.py), byte for byte: 511 bytes, no newline.
let pywaBody = """
    {"object":"whatsapp_business_account","entry":[{"id":"264937493375603","changes":[{"value":{"messaging_product":\
    "whatsapp","metadata":{"display_phone_number":"15550953877","phone_number_id":"277321005464405"},"contacts":[{"profi\
    le":{"name":"PyWa Tests"},"wa_id":"972544401243"}],"messages":[{"from":"972544401243","id":"wamid.HBgMOTcyNTQ0NDAxMj\
    QzFQIAEhggM0RFQTNCMEEwRTY3QzUwODYzMDc4NjQ4QzM4ODAxM0YA","timestamp":"1730231903","text":{"body":"Hey there! I am usi\
    ng PyWa."},"type":"text"}]},"field":"messages"}]}]}
    """
let pywaSecret = "1222e786b144d0e85b9f365372d93676"
let pywaSignature = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"

/// The gateway reference's own Messenger vector (§3.1), computed there with Python's hmac.
let messengerVectorBody = """
    {"object":"page","entry":[{"id":"1234567890","time":1459991487970,"messaging":[{"sender":{"id":"5678"},"recipient":{"\
    id":"1234567890"},"timestamp":1459991487970,"message":{"mid":"m_external_id","text":"Red","quick_reply":{"payload":"C\
    OLOR_RED"}}}]}]}
    """
let messengerVectorSecret = "test-app-secret"
let messengerVectorSignature = "sha256=3d0d98fc1876cb21eebdcae7abfb8b0c862c262fd95671739a0d8acc2be8410e"

/// Helpers for the WhatsApp and Messenger tests.
enum MetaTestSupport {
    /// JSON with sorted keys, to compare bodies regardless of key order and spacing.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        let sorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: sorted, as: UTF8.self)
    }

    /// The keys at every level, with values reduced to their kind (arrays by their first element):
    /// what must agree between a documented request body and ours.
    static func shape(_ data: Data) throws -> String {
        shape(of: try JSONSerialization.jsonObject(with: data))
    }

    private static func shape(of value: Any) -> String {
        if let object = value as? [String: Any] {
            return "{" + object.keys.sorted().map { "\($0):\(shape(of: object[$0]!))" }.joined(separator: ",") + "}"
        }
        if let array = value as? [Any] {
            return "[" + (array.first.map { shape(of: $0) } ?? "") + "]"
        }
        return value is String ? "string" : "scalar"
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// About 5,100 characters of numbered words in sentences and paragraphs: every word unique, so
    /// a lost or doubled piece shows.
    static let longAnswer: String = {
        let sentences = (0..<80).map { sentence in
            (0..<8).map { "Wort\(sentence * 8 + $0)" }.joined(separator: " ") + "."
        }
        return stride(from: 0, to: sentences.count, by: 5).map {
            sentences[$0..<min($0 + 5, sentences.count)].joined(separator: " ")
        }
        .joined(separator: "\n\n")
    }()

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map(String.init)
    }
}

@Suite("Meta: webhook signatures")
struct MetaSignatureTests {
    @Test("pywa's known-answer vector: 511 bytes signed with the revoked app secret")
    func pywaVector() throws {
        #expect(pywaBody.utf8.count == 511)
        #expect(!pywaBody.hasSuffix("\n"))
        let signature = try MetaSignature(appSecrets: [pywaSecret], channel: "WhatsApp")
        #expect(signature.isAuthentic(body: Data(pywaBody.utf8), signatureHeader: pywaSignature))
        #expect(MetaSignature.headerValue(for: Data(pywaBody.utf8), secret: pywaSecret) == pywaSignature)
    }

    @Test("the Messenger vector of the gateway reference")
    func messengerVector() throws {
        let signature = try MetaSignature(appSecrets: [messengerVectorSecret], channel: "Messenger")
        #expect(signature.isAuthentic(body: Data(messengerVectorBody.utf8), signatureHeader: messengerVectorSignature))
        #expect(
            MetaSignature.headerValue(for: Data(messengerVectorBody.utf8), secret: messengerVectorSecret)
                == messengerVectorSignature)
        // The legacy X-Hub-Signature value for the same body is not a SHA-256 signature.
        #expect(
            !signature.isAuthentic(
                body: Data(messengerVectorBody.utf8), signatureHeader: "sha1=39e2fc7bba43cecbc21ee91a15242e34cfed49bf"))
    }

    @Test("a wrong secret or a changed body is not authentic")
    func wrongSecret() throws {
        let body = Data(pywaBody.utf8)
        #expect(
            !(try MetaSignature(appSecrets: ["another-secret"], channel: "WhatsApp")).isAuthentic(
                body: body, signatureHeader: pywaSignature))
        let signature = try MetaSignature(appSecrets: [pywaSecret], channel: "WhatsApp")
        #expect(!signature.isAuthentic(body: Data((pywaBody + " ").utf8), signatureHeader: pywaSignature))
        #expect(
            !signature.isAuthentic(
                body: Data(pywaBody.replacingOccurrences(of: "PyWa.", with: "PyWa!").utf8), signatureHeader: pywaSignature))
    }

    @Test("during a rotation either of two secrets is authentic")
    func rotation() throws {
        let body = Data(pywaBody.utf8)
        #expect(
            try MetaSignature(appSecrets: ["new-secret", pywaSecret], channel: "WhatsApp").isAuthentic(
                body: body, signatureHeader: pywaSignature))
        #expect(
            try MetaSignature(appSecrets: [pywaSecret, "new-secret"], channel: "WhatsApp").isAuthentic(
                body: body, signatureHeader: pywaSignature))
        #expect(
            !(try MetaSignature(appSecrets: ["old", "new"], channel: "WhatsApp")).isAuthentic(
                body: body, signatureHeader: pywaSignature))
    }

    @Test(
        "missing and malformed headers are not authentic",
        arguments: [
            nil, "", "sha256=", String(pywaSignature.dropFirst(7)),
            "sha1=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",
            String(pywaSignature.dropLast()), pywaSignature + "0", pywaSignature + " ", " " + pywaSignature,
            "SHA256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",
            "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc44g",
        ] as [String?])
    func malformed(header: String?) throws {
        let signature = try MetaSignature(appSecrets: [pywaSecret], channel: "WhatsApp")
        #expect(!signature.isAuthentic(body: Data(pywaBody.utf8), signatureHeader: header))
    }

    @Test("the hex digits are read case-insensitively: the bytes are what is compared")
    func upperCaseHex() throws {
        let signature = try MetaSignature(appSecrets: [pywaSecret], channel: "WhatsApp")
        #expect(
            signature.isAuthentic(body: Data(pywaBody.utf8), signatureHeader: "sha256=" + pywaSignature.dropFirst(7).uppercased())
        )
    }

    @Test(
        "no secret, an empty secret or three secrets are refused at start-up",
        arguments: [[], [""], ["a", ""], ["a", "b", "c"]])
    func configuration(secrets: [String]) {
        #expect(throws: MetaConfigurationError.self) { try MetaSignature(appSecrets: secrets, channel: "WhatsApp") }
    }
}

@Suite("Meta: the verification handshake")
struct MetaHandshakeTests {
    let handshake = try! MetaHandshake(verifyToken: "leipzig-hilft", channel: "WhatsApp")

    @Test("the right token with mode subscribe gets the challenge back")
    func accept() {
        let query = ["hub.mode": "subscribe", "hub.verify_token": "leipzig-hilft", "hub.challenge": "1158201444"]
        #expect(handshake.answer(query) == .accept(challenge: "1158201444"))
    }

    @Test(
        "anything else is rejected",
        arguments: [
            ["hub.mode": "subscribe", "hub.verify_token": "leipzig-hilfe", "hub.challenge": "1"],
            ["hub.mode": "subscribe", "hub.verify_token": "leipzig-hilft ", "hub.challenge": "1"],
            ["hub.mode": "unsubscribe", "hub.verify_token": "leipzig-hilft", "hub.challenge": "1"],
            ["hub.verify_token": "leipzig-hilft", "hub.challenge": "1"],
            ["hub.mode": "subscribe", "hub.challenge": "1"],
            ["hub.mode": "subscribe", "hub.verify_token": "leipzig-hilft"],
            ["hub.mode": "subscribe", "hub.verify_token": "leipzig-hilft", "hub.challenge": ""],
            [:],
        ])
    func reject(query: [String: String]) {
        #expect(handshake.answer(query) == .reject)
    }

    @Test("the query of a real request reaches the handshake percent-decoded")
    func fromURI() {
        let request = WebhookRequest(
            body: Data(), uri: "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=leipzig-hilft")
        #expect(handshake.answer(request.query) == .accept(challenge: "42"))
    }

    @Test("an empty verify token is refused at start-up")
    func emptyToken() {
        #expect(throws: MetaConfigurationError.self) { try MetaHandshake(verifyToken: "", channel: "Messenger") }
    }
}

@Suite("Meta: Graph errors and endpoints")
struct GraphTests {
    @Test("the Graph error object is read with its code, subcode and trace id")
    func parse() {
        let body = #"""
            {"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"AbCdEf"}}
            """#
        #expect(
            GraphError.parse(Data(body.utf8))
                == GraphError(
                    message: "(#10) This message is sent outside of allowed window.", type: "OAuthException", code: 10,
                    subcode: 2_018_278, fbtraceID: "AbCdEf"))
    }

    @Test("bodies that are not Graph errors give nil", arguments: ["", "Bad Gateway", "{}", #"{"error":"x"}"#])
    func notAnError(body: String) {
        #expect(GraphError.parse(Data(body.utf8)) == nil)
    }

    @Test("reasons keep the code and the words, not phone numbers, and are capped")
    func reason() {
        #expect(GraphError(message: "(#100) Invalid parameter", code: 100).reason == "100: (#100) Invalid parameter")
        #expect(
            GraphError(message: "(#131030) Recipient +49 170 1234567 not in allowed list", code: 131_030).reason
                == "131030: (#131030) Recipient … not in allowed list")
        #expect(GraphError(message: "Number 4915112345678 unknown", code: 100).reason == "100: Number … unknown")
        #expect(GraphError(code: 368).reason == "368")
        let long = GraphError(message: String(repeating: "x", count: 500), code: 1).reason
        #expect(long.count <= GraphError.reasonLimit + 3)
        #expect(long.hasSuffix("…"))
    }

    @Test("the endpoint puts version and method below the base URL and the token in a header")
    func endpoint() throws {
        let endpoint = try GraphEndpoint(
            accessToken: "EAAG-token", baseURL: "http://127.0.0.1:9000/", version: "v25.0", tokenSetting: "token", channel: "X")
        let request = endpoint.request(for: APICall(method: "me/messages", body: Data("{}".utf8)))
        #expect(request.url == "http://127.0.0.1:9000/v25.0/me/messages")
        #expect(request.method == "POST")
        #expect(request.headers == ["Authorization": "Bearer EAAG-token", "Content-Type": "application/json"])
        #expect(!request.url.contains("EAAG"))
    }

    @Test(
        "endpoint settings that cannot work are refused at start-up",
        arguments: [
            ("", "https://graph.facebook.com", "v25.0"), ("to ken", "https://graph.facebook.com", "v25.0"),
            ("t", "", "v25.0"), ("t", "graph.facebook.com", "v25.0"), ("t", "https://graph.facebook.com", ""),
            ("t", "https://graph.facebook.com", "25.0"), ("t", "https://graph.facebook.com", "v25"),
            ("t", "https://graph.facebook.com", "v25.x"),
        ])
    func invalidEndpoint(token: String, baseURL: String, version: String) {
        #expect(throws: MetaConfigurationError.self) {
            try GraphEndpoint(accessToken: token, baseURL: baseURL, version: version, tokenSetting: "token", channel: "X")
        }
    }

    @Test("configuration errors name the setting and what to do")
    func message() {
        #expect(throws: MetaConfigurationError.self) {
            try GraphEndpoint(
                accessToken: "", baseURL: GraphEndpoint.defaultBaseURL, version: GraphEndpoint.defaultVersion,
                tokenSetting: "WhatsApp access token", channel: "WhatsApp")
        }
        do {
            _ = try GraphEndpoint(
                accessToken: "", baseURL: GraphEndpoint.defaultBaseURL, version: GraphEndpoint.defaultVersion,
                tokenSetting: "WhatsApp access token", channel: "WhatsApp")
        } catch {
            #expect(error.description.hasPrefix("WhatsApp access token is empty"))
        }
    }
}

@Suite("Meta: shaping text")
struct MetaTextTests {
    @Test("the last part is cut to its own limit, the others keep theirs, nothing is lost")
    func lastPart() {
        let parts = MetaText.parts(of: MetaTestSupport.longAnswer, limit: 4096, lastPartLimit: 1024)
        #expect(parts.count >= 2)
        #expect(parts.allSatisfy { $0.utf16.count <= 4096 })
        #expect(parts.last!.utf16.count <= 1024)
        #expect(MetaTestSupport.words(parts.joined(separator: " ")) == MetaTestSupport.words(MetaTestSupport.longAnswer))
    }

    @Test("short text is one part")
    func short() {
        #expect(MetaText.parts(of: "Hallo", limit: 4096, lastPartLimit: 1024) == ["Hallo"])
        #expect(MetaText.parts(of: "", limit: 4096, lastPartLimit: 1024) == [])
    }

    @Test("truncation counts UTF-16 and never cuts a character in half")
    func truncation() {
        #expect(MetaText.truncated("Anmeldung", to: 20) == "Anmeldung")
        #expect(MetaText.truncated("Wohnung anmelden beim Bürgeramt", to: 20) == "Wohnung anmelden be…")
        #expect(MetaText.truncated(String(repeating: "😀", count: 15), to: 20) == String(repeating: "😀", count: 9) + "…")
        #expect(MetaText.truncated("Wohnung anmelden    x", to: 20) == "Wohnung anmelden…")
    }

    @Test("links become lines under the text")
    func links() {
        let link = Button(label: "Termin", kind: .link, value: "https://example.org/t")
        #expect(MetaText.appending(links: [link], to: "Hallo") == "Hallo\n\nTermin: https://example.org/t")
        #expect(MetaText.appending(links: [link], to: "") == "Termin: https://example.org/t")
        #expect(MetaText.appending(links: [], to: "Hallo") == "Hallo")
    }
}
