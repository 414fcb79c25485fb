import WelcomeCore

/// Shapes a reply for Messenger: text messages of at most 2000 UTF-16 units; links as a button
/// template at the end (at most three, further links as "Label: URL" lines in the text), and the
/// choices (answers and languages) as quick replies on the last message.
public struct MessengerRenderer: Sendable {
    public static let textLimit = 2000
    public static let templateTextLimit = 640
    public static let maxTemplateButtons = 3
    public static let buttonTitleLimit = 20
    public static let maxQuickReplies = 13
    public static let quickReplyTitleLimit = 20
    public static let payloadLimit = 1000

    public init() {}

    /// The messages for a reply, in order; links and choices are on the last one.
    public func render(_ reply: Reply, to chatID: String) -> [Message] {
        let links = reply.buttons.filter { $0.kind == .link }
        let templateLinks = links.prefix(Self.maxTemplateButtons)
        let text = MetaText.appending(links: Array(links.dropFirst(Self.maxTemplateButtons)), to: reply.text)
        // A payload too long to come back would make a button that does nothing: left out.
        let quickReplies = reply.buttons
            .filter { $0.kind != .link && !$0.payload.isEmpty && $0.payload.utf16.count <= Self.payloadLimit }
            .prefix(Self.maxQuickReplies)
            .map { QuickReply(title: MetaText.truncated($0.label, to: Self.quickReplyTitleLimit), payload: $0.payload) }

        var contents: [Content]
        if templateLinks.isEmpty {
            let parts = TextSplitter(limit: Self.textLimit, measure: .utf16).split(text)
            contents = (parts.isEmpty ? [MetaText.placeholder] : parts).map { Content(text: $0) }
        } else {
            var parts = MetaText.parts(of: text, limit: Self.textLimit, lastPartLimit: Self.templateTextLimit)
            let last = parts.popLast() ?? MetaText.placeholder
            let buttons = templateLinks.map {
                URLButton(url: $0.value, title: MetaText.truncated($0.label, to: Self.buttonTitleLimit))
            }
            contents = parts.map { Content(text: $0) } + [Content(template: last, buttons: buttons)]
        }
        if !quickReplies.isEmpty { contents[contents.count - 1].quickReplies = quickReplies }
        return contents.map { Message(recipient: Recipient(id: chatID), message: $0) }
    }

    // MARK: Send API shapes

    /// One `POST /me/messages` body.
    public struct Message: Sendable, Encodable, Equatable {
        /// A reply to a person's message, inside the 24-hour window.
        public var messagingType = "RESPONSE"
        public var recipient: Recipient
        public var message: Content

        enum CodingKeys: String, CodingKey {
            case messagingType = "messaging_type"
            case recipient, message
        }
    }

    public struct Recipient: Sendable, Encodable, Equatable {
        /// The page-scoped id of the person.
        public var id: String
    }

    /// Text or a template attachment, with the quick replies.
    public struct Content: Sendable, Encodable, Equatable {
        public var text: String?
        public var attachment: Attachment?
        public var quickReplies: [QuickReply]?

        public init(text: String) {
            self.text = text
        }

        public init(template text: String, buttons: [URLButton]) {
            attachment = Attachment(payload: TemplatePayload(text: text, buttons: buttons))
        }

        enum CodingKeys: String, CodingKey {
            case text, attachment
            case quickReplies = "quick_replies"
        }
    }

    public struct Attachment: Sendable, Encodable, Equatable {
        public var type = "template"
        public var payload: TemplatePayload
    }

    public struct TemplatePayload: Sendable, Encodable, Equatable {
        public var templateType = "button"
        public var text: String
        public var buttons: [URLButton]

        enum CodingKeys: String, CodingKey {
            case templateType = "template_type"
            case text, buttons
        }
    }

    public struct URLButton: Sendable, Encodable, Equatable {
        public var type = "web_url"
        public var url: String
        public var title: String
    }

    public struct QuickReply: Sendable, Encodable, Equatable {
        public var contentType = "text"
        public var title: String
        public var payload: String

        enum CodingKeys: String, CodingKey {
            case contentType = "content_type"
            case title, payload
        }
    }
}
