import Foundation
import WelcomeCore

/// Turns a Viber callback into what the bot answers: messages, the opening of a conversation
/// (answered with the welcome message) and delivery reports. Subscriptions, the webhook check
/// and events added later are acknowledged and ignored.
public struct ViberDecoder: Sendable {
    /// What the renderer puts before a button's payload in `ActionBody`: a pressed keyboard
    /// button arrives as an ordinary text message, and this tells the two apart.
    public static let buttonPrefix = "btn:"

    public init() {}

    public func decode(_ body: Data) throws(WebhookDecodingError) -> DecodedWebhook {
        // The event first: each event has its own shape, and an unknown event's fields must not
        // make the whole callback fail (Viber would resend it for an hour).
        let event = try Self.read(Envelope.self, from: body).event
        switch event {
        case "message":
            let callback = try Self.read(MessageCallback.self, from: body)
            let id = callback.sender.id
            return .messages([
                InboundMessage(
                    channel: .viber, providerMessageID: String(callback.messageToken), userID: id, chatID: id,
                    input: Self.input(of: callback.message), languageHint: primaryLanguage(callback.sender.language))
            ])
        case "conversation_started":
            let callback = try Self.read(ConversationStarted.self, from: body)
            let id = callback.user.id
            // Viber allows a message before subscription only as the body of this response.
            return .messages([
                InboundMessage(
                    channel: .viber, providerMessageID: String(callback.messageToken), userID: id, chatID: id,
                    input: .text("/start"), languageHint: primaryLanguage(callback.user.language), replyInResponse: true)
            ])
        case "delivered", "seen", "failed":
            let callback = try Self.read(Report.self, from: body)
            let state: DeliveryStatus.State =
                switch event {
                case "delivered": .delivered
                case "seen": .read
                default: .failed
                }
            let error = event == "failed" ? String((callback.desc ?? "failed").prefix(200)) : nil
            return DecodedWebhook(statuses: [
                DeliveryStatus(channel: .viber, providerMessageID: String(callback.messageToken), state: state, error: error)
            ])
        default:
            // `subscribed`, `unsubscribed`, `webhook`, `client_status`, and whatever comes next.
            return .ignored(kind: String(event.prefix(64)))
        }
    }

    /// Text as written; a keyboard reply as its payload; media, stickers, locations and contacts
    /// as empty text, which gets the menu.
    static func input(of message: Message) -> Input {
        guard message.type == "text", let text = message.text else { return .text("") }
        if text.hasPrefix(buttonPrefix), text.count > buttonPrefix.count {
            return .button(String(text.dropFirst(buttonPrefix.count)))
        }
        return .text(text)
    }

    private static func read<T: Decodable>(_ type: T.Type, from body: Data) throws(WebhookDecodingError) -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw WebhookDecodingError("the body is not a Viber callback: \(describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default: "malformed JSON"
        }
    }

    // MARK: The parts of the callbacks the bot reads

    struct Envelope: Decodable {
        var event: String
    }

    /// `message_token` is a 64-bit integer above 2^53: decoded as `Int64`, never through a
    /// `Double`, so that no digit of the dedupe key is lost.
    struct MessageCallback: Decodable {
        var messageToken: Int64
        var sender: User
        var message: Message

        enum CodingKeys: String, CodingKey {
            case messageToken = "message_token"
            case sender, message
        }
    }

    struct ConversationStarted: Decodable {
        var messageToken: Int64
        var user: User

        enum CodingKeys: String, CodingKey {
            case messageToken = "message_token"
            case user
        }
    }

    struct Report: Decodable {
        var messageToken: Int64
        var desc: String?

        enum CodingKeys: String, CodingKey {
            case messageToken = "message_token"
            case desc
        }
    }

    struct User: Decodable {
        var id: String
        var language: String?
    }

    struct Message: Decodable {
        var type: String
        var text: String?
    }
}
