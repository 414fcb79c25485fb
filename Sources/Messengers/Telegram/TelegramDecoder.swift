import Foundation
import WelcomeCore

/// Turns a Telegram `Update` into what the bot answers: text messages and button presses in
/// private chats. Everything else Telegram may send (edits, channel posts, group messages,
/// reactions, member updates, kinds added in later Bot API versions) is acknowledged and ignored.
public struct TelegramDecoder: Sendable {
    public init() {}

    public func decode(_ body: Data) throws(WebhookDecodingError) -> DecodedWebhook {
        let update: Update
        do {
            update = try JSONDecoder().decode(Update.self, from: body)
        } catch {
            throw WebhookDecodingError("the body is not a Telegram update: \(Self.describe(error))")
        }
        let id = String(update.updateID)
        if let message = update.message {
            guard message.chat.type == "private" || message.chat.type == nil else {
                return .ignored(kind: "message in a \(message.chat.type ?? "unknown") chat")
            }
            guard let from = message.from else { return .ignored(kind: "message without sender") }
            if from.isBot == true { return .ignored(kind: "message from a bot") }
            return .messages([
                InboundMessage(
                    channel: .telegram, providerMessageID: id, userID: String(from.id), chatID: String(message.chat.id),
                    input: .text(message.text ?? message.caption ?? ""), languageHint: primaryLanguage(from.languageCode))
            ])
        }
        if let query = update.callbackQuery {
            // Buttons on the bot's own messages in a private chat: the chat is the user's.
            let chatID = query.message?.chat.id ?? query.from.id
            return .messages([
                InboundMessage(
                    channel: .telegram, providerMessageID: id, userID: String(query.from.id), chatID: String(chatID),
                    input: .button(query.data ?? ""), languageHint: primaryLanguage(query.from.languageCode),
                    callbackQueryID: query.id)
            ])
        }
        return .ignored(kind: update.kind ?? "update without content")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted: "malformed JSON"
        default: "malformed JSON"
        }
    }

    // MARK: The parts of the Bot API types the bot reads

    struct Update: Decodable {
        var updateID: Int64
        var message: Message?
        var callbackQuery: CallbackQuery?
        /// The first other field present, for logs and metrics ("edited_message", "poll", …).
        var kind: String?

        enum CodingKeys: String, CodingKey {
            case updateID = "update_id"
            case message
            case callbackQuery = "callback_query"
        }

        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            updateID = try container.decode(Int64.self, forKey: .updateID)
            message = try container.decodeIfPresent(Message.self, forKey: .message)
            callbackQuery = try container.decodeIfPresent(CallbackQuery.self, forKey: .callbackQuery)
            let all = try decoder.container(keyedBy: AnyKey.self)
            kind = all.allKeys.map(\.stringValue).filter { $0 != "update_id" }.sorted().first
        }
    }

    struct Message: Decodable {
        var messageID: Int64
        var from: User?
        var chat: Chat
        var text: String?
        var caption: String?

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case from, chat, text, caption
        }
    }

    struct User: Decodable {
        var id: Int64
        var isBot: Bool?
        var languageCode: String?

        enum CodingKeys: String, CodingKey {
            case id
            case isBot = "is_bot"
            case languageCode = "language_code"
        }
    }

    struct Chat: Decodable {
        var id: Int64
        var type: String?
    }

    struct CallbackQuery: Decodable {
        var id: String
        var from: User
        var message: CallbackMessage?
        var data: String?
    }

    /// A callback's message may be "inaccessible" (date 0) and then has only chat and id.
    struct CallbackMessage: Decodable {
        var chat: Chat
    }
}
