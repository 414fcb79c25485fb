import Foundation
import Testing

@testable import Messengers
@testable import WelcomeCore

@Suite("Telegram: verifying webhooks")
struct TelegramVerifierTests {
    @Test("only the exact secret is authentic")
    func secret() throws {
        let verifier = try TelegramVerifier(secret: "s3cret_token-1")
        #expect(verifier.isAuthentic(headerValue: "s3cret_token-1"))
        #expect(!verifier.isAuthentic(headerValue: nil))
        #expect(!verifier.isAuthentic(headerValue: ""))
        #expect(!verifier.isAuthentic(headerValue: "s3cret_token-2"))
        #expect(!verifier.isAuthentic(headerValue: "s3cret_token-1 "))
        #expect(!verifier.isAuthentic(headerValue: "S3CRET_TOKEN-1"))
    }

    @Test(
        "a secret Telegram would refuse is refused at start-up",
        arguments: ["", "with space", "ümlaut", String(repeating: "a", count: 257)])
    func invalidSecrets(secret: String) {
        #expect(throws: TelegramConfigurationError.invalidSecretToken) { try TelegramVerifier(secret: secret) }
    }
}

@Suite("Telegram: decoding updates")
struct TelegramDecoderTests {
    let decoder = TelegramDecoder()

    @Test("the official message sample is a /start text in a private chat")
    func officialMessage() throws {
        let decoded = try decoder.decode(try fixture("telegram_official_message.json"))
        #expect(
            decoded
                == .messages([
                    InboundMessage(
                        channel: .telegram, providerMessageID: "10000", userID: "1111111", chatID: "1111111",
                        input: .text("/start"))
                ]))
    }

    @Test("the constructed message carries the language hint")
    func constructedMessage() throws {
        let messages = try decoder.decode(try fixture("telegram_constructed_message.json")).messages
        #expect(
            messages == [
                InboundMessage(
                    channel: .telegram, providerMessageID: "123456789", userID: "1111111", chatID: "1111111",
                    input: .text("/start"), languageHint: "de")
            ])
    }

    @Test("a callback query is a button press with its query id, chat from the message")
    func callbackQuery() throws {
        let messages = try decoder.decode(try fixture("telegram_constructed_callback_query.json")).messages
        #expect(
            messages == [
                InboundMessage(
                    channel: .telegram, providerMessageID: "123456790", userID: "1111111", chatID: "1111111",
                    input: .button("vote:yes"),
                    languageHint: "en", callbackQueryID: "4382bfdwdsb323b2d9")
            ])
    }

    @Test("the official callback sample has no message: the chat is the user's")
    func officialCallback() throws {
        let messages = try decoder.decode(try fixture("telegram_official_callback_query.json")).messages
        #expect(messages.first?.chatID == "1111111")
        #expect(messages.first?.input == .button("Data from button callback"))
        #expect(messages.first?.callbackQueryID == "4382bfdwdsb323b2d9")
    }

    @Test("an edited message is acknowledged and ignored, not answered twice")
    func edited() throws {
        #expect(try decoder.decode(try fixture("telegram_official_edited_message.json")) == .ignored(kind: "edited_message"))
    }

    @Test(
        "kinds the bot does not answer are ignored",
        arguments: [
            (#"{"update_id":1,"poll":{"id":"1"}}"#, "poll"),
            (#"{"update_id":1,"my_chat_member":{}}"#, "my_chat_member"),
            (#"{"update_id":1,"some_future_kind":{"x":1}}"#, "some_future_kind"),
            (#"{"update_id":1}"#, "update without content"),
            (
                #"{"update_id":1,"message":{"message_id":1,"chat":{"id":-100,"type":"group"},"from":{"id":5},"text":"hi"}}"#,
                "message in a group chat"
            ),
            (
                #"{"update_id":1,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":true},"text":"hi"}}"#,
                "message from a bot"
            ),
        ])
    func ignored(body: String, kind: String) throws {
        #expect(try decoder.decode(Data(body.utf8)) == .ignored(kind: kind))
    }

    @Test("a photo with a caption is read as its caption; without one as empty text")
    func nonText() throws {
        let body =
            #"{"update_id":7,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"from":{"id":5},"photo":[],"caption":"anmeldung?"}}"#
        let messages = try decoder.decode(Data(body.utf8)).messages
        #expect(messages.first?.input == .text("anmeldung?"))
    }

    @Test("malformed bodies are errors", arguments: ["", "{", "[]", #"{"message":{}}"#, #"{"update_id":"x"}"#, "\u{FF}\u{FE}"])
    func malformed(body: String) {
        #expect(throws: WebhookDecodingError.self) { try decoder.decode(Data(body.utf8)) }
    }

    @Test("language tags are reduced to the intent files' codes")
    func languageTags() {
        #expect(primaryLanguage("de-AT") == "de")
        #expect(primaryLanguage("pt_BR") == "pt")
        #expect(primaryLanguage("UK") == "uk")
        #expect(primaryLanguage("") == nil)
        #expect(primaryLanguage("x") == nil)
        #expect(primaryLanguage("12") == nil)
    }
}

@Suite("Telegram: rendering replies")
struct TelegramRendererTests {
    let renderer = TelegramRenderer()

    @Test("a short reply is one message with the keyboard")
    func short() {
        let reply = Reply(
            text: "Hallo",
            buttons: [
                Button(label: "Adresse", kind: .intent, value: "address"),
                Button(label: "English", kind: .language, value: "en"),
                Button(label: "Termin buchen beim Bürgeramt", kind: .link, value: "https://example.org/termin"),
            ])
        let messages = renderer.render(reply, chatID: 42)
        #expect(messages.count == 1)
        #expect(messages[0].chatID == 42)
        #expect(messages[0].text == "Hallo")
        #expect(
            messages[0].replyMarkup?.inlineKeyboard == [
                [.init(text: "Adresse", callbackData: "address"), .init(text: "English", callbackData: "lang.en")],
                [.init(text: "Termin buchen beim Bürgeramt", url: "https://example.org/termin")],
            ])
    }

    @Test("text over 4096 UTF-16 units is split, the keyboard goes under the last part")
    func long() {
        let paragraph = String(repeating: "Ein Satz über die Anmeldung. ", count: 60)  // ~1740 characters
        let text = [paragraph, paragraph, paragraph].joined(separator: "\n\n")
        let messages = renderer.render(
            Reply(text: text, buttons: [Button(label: "Hilfe", kind: .intent, value: "help")]), chatID: 1)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.text.utf16.count <= 4096 })
        #expect(messages[0].replyMarkup == nil)
        #expect(messages[1].replyMarkup != nil)
    }

    @Test("callback data is at most 64 bytes: a longer payload's button is left out")
    func callbackDataLimit() {
        let long = String(repeating: "x", count: 65)
        let keyboard = renderer.keyboard([
            Button(label: "ok", kind: .intent, value: String(repeating: "y", count: 64)),
            Button(label: "too long", kind: .intent, value: long),
        ])
        #expect(keyboard.inlineKeyboard.flatMap { $0 }.map(\.text) == ["ok"])
    }

    @Test("the JSON body has Telegram's field names")
    func json() throws {
        let message = renderer.render(Reply(text: "Hi", buttons: [Button(label: "A", kind: .intent, value: "a")]), chatID: 7)[0]
        let body = String(decoding: TelegramAPI.encode(message), as: UTF8.self)
        #expect(
            body
                == #"{"chat_id":7,"link_preview_options":{"is_disabled":true},"reply_markup":{"inline_keyboard":[[{"callback_data":"a","text":"A"}]]},"text":"Hi"}"#
        )
    }

    @Test("every reply of the shipped content renders within Telegram's limits")
    func shipped() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let catalog = try IntentCatalog.load(from: root.appendingPathComponent("Intents").path)
        let composer = ReplyComposer(catalog: catalog)
        for pack in catalog.languages.values {
            for intent in pack.intents {
                for message in renderer.render(composer.answer(intent, in: pack), chatID: 1) {
                    #expect(!message.text.isEmpty && message.text.utf16.count <= 4096)
                    for button in message.replyMarkup?.inlineKeyboard.flatMap({ $0 }) ?? [] {
                        #expect((button.callbackData?.utf8.count ?? 0) <= 64)
                        #expect((button.callbackData == nil) != (button.url == nil))
                    }
                }
            }
        }
    }
}

@Suite("Telegram: what an answer means")
struct TelegramAPITests {
    @Test("200 ok is sent")
    func sent() {
        #expect(
            TelegramAPI.classify(status: 200, body: Data(#"{"ok":true,"result":{"message_id":5}}"#.utf8))
                == .sent(providerMessageID: nil))
    }

    @Test("429 is retried after retry_after")
    func tooManyRequests() throws {
        let outcome = TelegramAPI.classify(status: 429, body: try fixture("telegram_429_response.json"))
        #expect(outcome == .retry(after: .seconds(5), reason: "Too Many Requests: retry after 5"))
    }

    @Test("429 without parameters falls back to the Retry-After header")
    func retryAfterHeader() {
        #expect(
            TelegramAPI.classify(status: 429, body: Data("{}".utf8), retryAfterHeader: .seconds(3))
                == .retry(after: .seconds(3), reason: "HTTP 429"))
    }

    @Test("5xx is retried with backoff")
    func serverError() {
        #expect(TelegramAPI.classify(status: 502, body: Data("Bad Gateway".utf8)) == .retry(after: nil, reason: "HTTP 502"))
    }

    @Test("4xx is dead with Telegram's reason")
    func clientError() {
        let body = #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#
        #expect(
            TelegramAPI.classify(status: 403, body: Data(body.utf8)) == .dead(reason: "Forbidden: bot was blocked by the user"))
        let unauthorized = TelegramAPI.classify(
            status: 401, body: Data(#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#.utf8))
        #expect(unauthorized == .dead(reason: "unauthorized: the bot token was refused (Unauthorized)"))
    }

    @Test("tokens are checked for shape, and the URL carries the token and base")
    func tokens() throws {
        #expect(TelegramAPI.isValidToken("123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456"))
        #expect(!TelegramAPI.isValidToken("not a token"))
        #expect(!TelegramAPI.isValidToken("abc:ABCdefGhIJKlmnoPQRstuVWXyz"))
        let api = try TelegramAPI(token: "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456", baseURL: "http://127.0.0.1:9000/")
        #expect(api.url("sendMessage") == "http://127.0.0.1:9000/bot123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456/sendMessage")
    }
}
