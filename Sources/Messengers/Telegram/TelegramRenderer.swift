import WelcomeCore

/// Shapes a reply for Telegram: text of at most 4096 UTF-16 units per message, split on paragraph
/// and sentence bounds; buttons as an inline keyboard under the last part, answers and languages
/// as callback buttons (`callback_data` at most 64 bytes), links as URL buttons.
public struct TelegramRenderer: Sendable {
    public static let textLimit = 4096
    public static let callbackDataLimit = 64
    /// Two buttons share a row when both labels are this short; longer ones get a row each, so
    /// that nothing is cut on a small phone.
    static let shortLabel = 16

    public init() {}

    /// The `sendMessage` calls for a reply, in order.
    public func render(_ reply: Reply, chatID: Int64) -> [SendMessage] {
        var parts = TextSplitter(limit: Self.textLimit, measure: .utf16).split(reply.text)
        if parts.isEmpty { parts = ["…"] }  // Telegram refuses empty text; a reply always says something
        let keyboard = self.keyboard(reply.buttons)
        return parts.enumerated().map { index, text in
            SendMessage(
                chatID: chatID, text: text,
                replyMarkup: index == parts.count - 1 && !keyboard.inlineKeyboard.isEmpty ? keyboard : nil)
        }
    }

    func keyboard(_ buttons: [Button]) -> InlineKeyboardMarkup {
        var rows: [[InlineKeyboardButton]] = []
        var pending: InlineKeyboardButton?
        for button in buttons {
            let rendered: InlineKeyboardButton
            switch button.kind {
            case .link:
                rendered = InlineKeyboardButton(text: button.label, url: button.value)
            case .intent, .language:
                // A payload too long for Telegram cannot come back; such a button is left out.
                guard button.payload.utf8.count <= Self.callbackDataLimit, !button.payload.isEmpty else { continue }
                rendered = InlineKeyboardButton(text: button.label, callbackData: button.payload)
            }
            if rendered.text.count <= Self.shortLabel {
                if let first = pending {
                    rows.append([first, rendered])
                    pending = nil
                } else {
                    pending = rendered
                }
            } else {
                if let first = pending {
                    rows.append([first])
                    pending = nil
                }
                rows.append([rendered])
            }
        }
        if let pending { rows.append([pending]) }
        return InlineKeyboardMarkup(inlineKeyboard: rows)
    }

    // MARK: Bot API shapes

    public struct SendMessage: Sendable, Codable, Equatable {
        public var chatID: Int64
        public var text: String
        public var replyMarkup: InlineKeyboardMarkup?
        /// Link previews would fill a small screen with the city's web page; the buttons suffice.
        public var linkPreviewOptions = LinkPreviewOptions(isDisabled: true)

        enum CodingKeys: String, CodingKey {
            case chatID = "chat_id"
            case text
            case replyMarkup = "reply_markup"
            case linkPreviewOptions = "link_preview_options"
        }
    }

    public struct LinkPreviewOptions: Sendable, Codable, Equatable {
        public var isDisabled: Bool

        enum CodingKeys: String, CodingKey {
            case isDisabled = "is_disabled"
        }
    }

    public struct InlineKeyboardMarkup: Sendable, Codable, Equatable {
        public var inlineKeyboard: [[InlineKeyboardButton]]

        enum CodingKeys: String, CodingKey {
            case inlineKeyboard = "inline_keyboard"
        }
    }

    public struct InlineKeyboardButton: Sendable, Codable, Equatable {
        public var text: String
        public var callbackData: String?
        public var url: String?

        public init(text: String, callbackData: String? = nil, url: String? = nil) {
            self.text = text
            self.callbackData = callbackData
            self.url = url
        }

        enum CodingKeys: String, CodingKey {
            case text
            case callbackData = "callback_data"
            case url
        }
    }
}
