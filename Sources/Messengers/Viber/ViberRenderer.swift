import WelcomeCore

/// Shapes a reply for Viber: text of at most 7000 characters per message, split on paragraph and
/// sentence bounds; buttons as a keyboard with the last part, answers and languages as reply
/// buttons that send `btn:<payload>` back, links as open-url buttons.
public struct ViberRenderer: Sendable {
    /// Viber counts characters; UTF-16 units are never fewer, so counting them is safe.
    public static let textLimit = 7000
    /// Viber shows up to 12 rows in portrait; a menu longer than this keeps its first buttons.
    public static let buttonLimit = 24
    /// Viber's keyboard is 6 columns wide.
    static let fullWidth = 6
    /// Two buttons share a row when both labels are this short; longer ones get a row each, so
    /// that nothing is cut on a small phone.
    static let shortLabel = 16

    /// Who every message says it is from.
    public var sender: Sender

    public init(sender: Sender) {
        self.sender = sender
    }

    /// The `send_message` bodies for a reply, in order.
    public func render(_ reply: Reply, to receiver: String) -> [SendMessage] {
        let parts = self.parts(reply.text)
        let keyboard = self.keyboard(reply.buttons)
        return parts.enumerated().map { index, text in
            SendMessage(
                receiver: receiver, sender: sender, text: text, keyboard: index == parts.count - 1 ? keyboard : nil)
        }
    }

    /// The welcome message, answered in the body of the `conversation_started` response: one
    /// message, without a receiver. Viber allows only one, so a longer text keeps its first part.
    public func welcome(_ reply: Reply) -> SendMessage {
        SendMessage(receiver: nil, sender: sender, text: parts(reply.text)[0], keyboard: keyboard(reply.buttons))
    }

    private func parts(_ text: String) -> [String] {
        let parts = TextSplitter(limit: Self.textLimit, measure: .utf16).split(text)
        // Viber refuses empty text; a reply always says something.
        return parts.isEmpty ? ["…"] : parts
    }

    /// The keyboard for the buttons, nil when none can be shown.
    func keyboard(_ buttons: [Button]) -> Keyboard? {
        var rendered: [KeyboardButton] = []
        for button in buttons {
            guard rendered.count < Self.buttonLimit else { break }
            switch button.kind {
            case .link:
                guard !button.value.isEmpty else { continue }
                rendered.append(KeyboardButton(actionType: .openURL, actionBody: button.value, text: button.label))
            case .intent, .language:
                // An empty payload could not be told from typed text when it comes back.
                guard !button.payload.isEmpty else { continue }
                rendered.append(
                    KeyboardButton(actionType: .reply, actionBody: ViberDecoder.buttonPrefix + button.payload, text: button.label)
                )
            }
        }
        guard !rendered.isEmpty else { return nil }
        // Viber fills rows of 6 columns in order: a short label takes half a row only when the
        // next one is short too, else a lone half button would leave half a row empty.
        var index = 0
        while index < rendered.count {
            if index + 1 < rendered.count, rendered[index].text.count <= Self.shortLabel,
                rendered[index + 1].text.count <= Self.shortLabel
            {
                rendered[index].columns = Self.fullWidth / 2
                rendered[index + 1].columns = Self.fullWidth / 2
                index += 2
            } else {
                index += 1
            }
        }
        return Keyboard(buttons: rendered)
    }

    // MARK: REST Bot API shapes

    /// `sender`: the bot's name (at most 28 characters) and avatar, shown with every message.
    public struct Sender: Sendable, Codable, Equatable {
        public var name: String
        public var avatar: String?

        public init(name: String, avatar: String? = nil) {
            self.name = name
            self.avatar = avatar
        }
    }

    /// A text message: the body of `send_message`, or without `receiver` the welcome message.
    public struct SendMessage: Sendable, Codable, Equatable {
        public var receiver: String?
        public var sender: Sender
        public var type = "text"
        public var text: String
        public var keyboard: Keyboard?
        /// Any Viber version shows a text message with a keyboard.
        public var minAPIVersion = 1

        public init(receiver: String?, sender: Sender, text: String, keyboard: Keyboard? = nil) {
            self.receiver = receiver
            self.sender = sender
            self.text = text
            self.keyboard = keyboard
        }

        enum CodingKeys: String, CodingKey {
            case receiver, sender, type, text, keyboard
            case minAPIVersion = "min_api_version"
        }
    }

    public struct Keyboard: Sendable, Codable, Equatable {
        public var type = "keyboard"
        /// Not the default height: the keyboard grows with the buttons, up to Viber's maximum.
        public var defaultHeight = false
        public var buttons: [KeyboardButton]

        public init(buttons: [KeyboardButton]) {
            self.buttons = buttons
        }

        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case defaultHeight = "DefaultHeight"
            case buttons = "Buttons"
        }
    }

    public struct KeyboardButton: Sendable, Codable, Equatable {
        public enum ActionType: String, Sendable, Codable {
            /// Sends `ActionBody` back as a text message.
            case reply
            /// Opens the URL in `ActionBody`.
            case openURL = "open-url"
        }

        public var actionType: ActionType
        public var actionBody: String
        public var text: String
        /// Of the row's 6.
        public var columns: Int

        public init(actionType: ActionType, actionBody: String, text: String, columns: Int = 6) {
            self.actionType = actionType
            self.actionBody = actionBody
            self.text = text
            self.columns = columns
        }

        enum CodingKeys: String, CodingKey {
            case actionType = "ActionType"
            case actionBody = "ActionBody"
            case text = "Text"
            case columns = "Columns"
        }
    }
}
