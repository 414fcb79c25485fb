import Foundation
import Messengers
import WelcomeCore

/// What each fuzzer feeds its input to. Every entry must return normally for any bytes: a
/// thrown decoding error is the right answer to garbage, a crash, a hang or a leak is a bug.
public enum FuzzTargets {
    public static let all: [String: @Sendable (Data) -> Void] = [
        "telegram-decoder": { _ = try? TelegramDecoder().decode($0) },
        "whatsapp-decoder": { _ = try? WhatsAppDecoder(phoneNumberID: "1234567890").decode($0) },
        "messenger-decoder": { _ = try? MessengerDecoder().decode($0) },
        "viber-decoder": { _ = try? ViberDecoder().decode($0) },
        "twilio-decoder": { _ = try? TwilioDecoder().decode($0) },
        "telegram-secret": { _ = telegram.isAuthentic(headerValue: String(decoding: $0, as: UTF8.self)) },
        "meta-signature": { data in
            let (header, body) = lines(data)
            _ = meta.isAuthentic(body: body, signatureHeader: header)
        },
        "viber-signature": { data in
            let (header, body) = lines(data)
            _ = viber.isAuthentic(body: body, signature: header)
        },
        "twilio-signature": twilioSignature,
        "intent-loader": intentLoader,
        "matcher": matcher,
    ]

    /// The first line (the signature header) and the rest (the body).
    static func lines(_ data: Data) -> (String, Data) {
        let split = data.firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
        let header = String(decoding: data[data.startIndex..<split], as: UTF8.self)
        let body = split < data.endIndex ? Data(data[data.index(after: split)...]) : Data()
        return (header, body)
    }

    /// The signature header, then a line with the query of the URL Twilio called, then the
    /// form body: Twilio signs the URL with its query and the sorted form fields.
    static func twilioSignature(_ data: Data) {
        let (signature, rest) = lines(data)
        let (query, body) = lines(rest)
        _ = twilio.isAuthentic(signature: signature, uri: query.isEmpty ? "/webhooks/sms" : "/webhooks/sms?\(query)", body: body)
    }

    static let telegram = try! TelegramVerifier(secret: "fuzz-secret-token")
    static let meta = try! MetaSignature(appSecrets: ["fuzz-app-secret"], channel: "whatsapp")
    static let viber = try! ViberVerifier(authToken: "fuzz-auth-token")
    static let twilio = TwilioVerifier(
        authTokens: ["fuzz-auth-token"], publicURL: "https://bot.example.org/webhooks/sms")

    /// The first byte chooses the file: odd, a facts file; even, a language file checked
    /// against the shipped facts.
    static func intentLoader(_ data: Data) {
        guard let first = data.first else { return }
        let rest = Data(data.dropFirst())
        _ = CatalogLoader.check(rest, languageCode: first & 1 == 1 ? nil : "de", facts: shipped.facts)
    }

    /// Normalising, detecting the language, matching and answering any text, in every
    /// shipped language, with and without a conversation behind it.
    static func matcher(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let assistant = shippedAssistant
        var state = ConversationState()
        _ = try? assistant.respond(to: .text(text), state: &state, explain: true)
        for code in assistant.catalog.languageOrder {
            var chosen = ConversationState(language: code, languageChosen: true)
            _ = try? assistant.respond(to: .text(text), state: &chosen)
        }
        _ = assistant.respond(button: text)
    }

    /// The shipped catalog, from `Intents/` below the folder the fuzzer runs in (or
    /// `WELCOMEBOT_INTENTS`).
    static let shipped: IntentCatalog = {
        let folder = ProcessInfo.processInfo.environment["WELCOMEBOT_INTENTS"] ?? "Intents"
        do {
            return try IntentCatalog.load(from: folder)
        } catch {
            fatalError("run the fuzzer from the project folder (the shipped intents do not load): \(error)")
        }
    }()

    static let shippedAssistant = Assistant(catalog: shipped)
}

extension Assistant {
    fileprivate func respond(button payload: String) -> Answer? {
        var state = ConversationState()
        return try? respond(to: .button(payload), state: &state)
    }
}
