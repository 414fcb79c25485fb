import WelcomeCore

/// Shapes a reply for WhatsApp: text messages of at most 4096 UTF-16 units; the choices
/// (answers and languages) as an interactive message at the end, as up to three reply buttons
/// when their titles are short, else as a list of up to ten rows. One interactive message cannot
/// mix reply buttons and links, so links become "Label: URL" lines in the text.
public struct WhatsAppRenderer: Sendable {
    public static let textLimit = 4096
    public static let interactiveBodyLimit = 1024
    public static let maxReplyButtons = 3
    public static let replyButtonTitleLimit = 20
    public static let replyButtonIDLimit = 256
    public static let maxListRows = 10
    public static let rowTitleLimit = 24
    public static let rowDescriptionLimit = 72
    public static let rowIDLimit = 200
    public static let listButtonLimit = 20
    /// The list button's text when the reply brings no label for it.
    public static let defaultListButton = "☰"

    public init() {}

    /// The messages for a reply, in order; the choices are on the last one.
    public func render(_ reply: Reply, to chatID: String) -> [Message] {
        let links = reply.buttons.filter { $0.kind == .link }
        let text = MetaText.appending(links: links, to: reply.text)
        // A payload too long to come back would make a button that does nothing: left out. The
        // row limit (200) is the smaller, so a choice never vanishes when buttons become a list.
        let choices = reply.buttons.filter {
            $0.kind != .link && !$0.payload.isEmpty && $0.payload.utf16.count <= Self.rowIDLimit
        }
        guard !choices.isEmpty else {
            let parts = TextSplitter(limit: Self.textLimit, measure: .utf16).split(text)
            return (parts.isEmpty ? [MetaText.placeholder] : parts).map { Message(to: chatID, text: $0) }
        }
        var parts = MetaText.parts(of: text, limit: Self.textLimit, lastPartLimit: Self.interactiveBodyLimit)
        let body = parts.popLast() ?? MetaText.placeholder
        let interactive = self.interactive(body: body, choices: choices, listButton: reply.choicesLabel)
        return parts.map { Message(to: chatID, text: $0) } + [Message(to: chatID, interactive: interactive)]
    }

    func interactive(body: String, choices: [Button], listButton: String?) -> Interactive {
        let fitsButtons =
            choices.count <= Self.maxReplyButtons && choices.allSatisfy { $0.label.utf16.count <= Self.replyButtonTitleLimit }
        if fitsButtons {
            let buttons = choices.map { ReplyButton(reply: .init(id: $0.payload, title: $0.label)) }
            return Interactive(type: "button", body: .init(text: body), action: .init(buttons: buttons))
        }
        let rows = choices.prefix(Self.maxListRows).map { choice in
            let fits = choice.label.utf16.count <= Self.rowTitleLimit
            return Row(
                id: choice.payload, title: MetaText.truncated(choice.label, to: Self.rowTitleLimit),
                // The whole label, where a cut title would leave the person guessing.
                description: fits ? nil : MetaText.truncated(choice.label, to: Self.rowDescriptionLimit))
        }
        let button = MetaText.truncated(
            listButton.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultListButton, to: Self.listButtonLimit)
        return Interactive(
            type: "list", body: .init(text: body), action: .init(button: button, sections: [Section(rows: Array(rows))]))
    }

    // MARK: Cloud API shapes

    /// One `POST /<phone number id>/messages` body.
    public struct Message: Sendable, Encodable, Equatable {
        public var messagingProduct = "whatsapp"
        public var recipientType = "individual"
        public var to: String
        /// `text` or `interactive`.
        public var type: String
        public var text: Text?
        public var interactive: Interactive?

        public init(to: String, text: String) {
            self.to = to
            self.type = "text"
            self.text = Text(body: text)
        }

        public init(to: String, interactive: Interactive) {
            self.to = to
            self.type = "interactive"
            self.interactive = interactive
        }

        enum CodingKeys: String, CodingKey {
            case messagingProduct = "messaging_product"
            case recipientType = "recipient_type"
            case to, type, text, interactive
        }
    }

    public struct Text: Sendable, Encodable, Equatable {
        public var body: String
        /// A preview of the first link would push the answer off a small screen.
        public var previewURL = false

        enum CodingKeys: String, CodingKey {
            case body
            case previewURL = "preview_url"
        }
    }

    public struct Interactive: Sendable, Encodable, Equatable {
        /// `button` or `list`.
        public var type: String
        public var body: Body
        public var action: Action
    }

    public struct Body: Sendable, Encodable, Equatable {
        public var text: String
    }

    public struct Action: Sendable, Encodable, Equatable {
        public var buttons: [ReplyButton]?
        /// The list's button text.
        public var button: String?
        public var sections: [Section]?

        public init(buttons: [ReplyButton]? = nil, button: String? = nil, sections: [Section]? = nil) {
            self.buttons = buttons
            self.button = button
            self.sections = sections
        }
    }

    public struct ReplyButton: Sendable, Encodable, Equatable {
        public var type = "reply"
        public var reply: Choice

        public struct Choice: Sendable, Encodable, Equatable {
            public var id: String
            public var title: String
        }
    }

    public struct Section: Sendable, Encodable, Equatable {
        public var rows: [Row]
    }

    public struct Row: Sendable, Encodable, Equatable {
        public var id: String
        public var title: String
        public var description: String?
    }
}
