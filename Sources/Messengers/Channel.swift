import WelcomeCore

/// The messengers WelcomeBot talks through. The raw value names the channel in URLs, storage,
/// logs and metrics.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case telegram
    case whatsapp
    case messenger
    case viber
    case sms
    case web
}

/// A message from a person, decoded from a messenger's webhook into what every channel shares.
/// It carries raw ids only as far as the edge: the server pseudonymises `userID` before storing
/// anything, and keeps `chatID` only until the reply is sent.
public struct InboundMessage: Sendable, Equatable {
    public var channel: Channel
    /// The messenger's id for this delivery, unique per channel: the key that makes redeliveries
    /// harmless (Telegram `update_id`, WhatsApp message id, …).
    public var providerMessageID: String
    /// Who wrote, as the messenger identifies them.
    public var userID: String
    /// Where to reply.
    public var chatID: String
    public var input: Input
    /// The language the messenger app is set to, if it says (`de`, `ar`, …).
    public var languageHint: String?
    /// Telegram: the callback query to answer so the button stops spinning.
    public var callbackQueryID: String?
    /// Answer in the body of the webhook response instead of through the outbox: Viber's welcome
    /// message on `conversation_started` (the only way Viber allows one), and SMS when the
    /// operator chose TwiML replies.
    public var replyInResponse: Bool

    public init(
        channel: Channel, providerMessageID: String, userID: String, chatID: String, input: Input,
        languageHint: String? = nil, callbackQueryID: String? = nil, replyInResponse: Bool = false
    ) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.userID = userID
        self.chatID = chatID
        self.input = input
        self.languageHint = languageHint
        self.callbackQueryID = callbackQueryID
        self.replyInResponse = replyInResponse
    }
}

/// What a webhook body turned out to be. One request may carry several messages and delivery
/// statuses at once (WhatsApp and Messenger batch them), and parts the bot does not answer.
public struct DecodedWebhook: Sendable, Equatable {
    /// Messages to answer, in the order they came.
    public var messages: [InboundMessage]
    /// What became of messages the bot sent (delivered, read, failed); recorded, never answered.
    public var statuses: [DeliveryStatus]
    /// Authentic parts of kinds the bot does not answer ("reaction", "edited_message", …):
    /// acknowledged so that they are not resent, and counted for operators.
    public var ignored: [String]

    public init(messages: [InboundMessage] = [], statuses: [DeliveryStatus] = [], ignored: [String] = []) {
        self.messages = messages
        self.statuses = statuses
        self.ignored = ignored
    }

    public static func messages(_ messages: [InboundMessage]) -> DecodedWebhook {
        DecodedWebhook(messages: messages)
    }

    public static func ignored(kind: String) -> DecodedWebhook {
        DecodedWebhook(ignored: [kind])
    }
}

/// A messenger's report on a message the bot sent, matched to the outbox row by the id the
/// messenger gave when it accepted the message.
public struct DeliveryStatus: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Accepted by the messenger's servers (WhatsApp `sent`, Twilio `sent`).
        case sent
        case delivered
        case read
        case failed

        /// Statuses may arrive out of order; a later report never downgrades an earlier one.
        public var rank: Int {
            switch self {
            case .sent: 1
            case .delivered: 2
            case .read: 3
            case .failed: 4
            }
        }
    }

    public var channel: Channel
    /// The messenger's id of the sent message (WhatsApp `wamid…`, Messenger `mid`, Viber
    /// `message_token`, Twilio `MessageSid`).
    public var providerMessageID: String
    public var state: State
    /// Why it failed, as the messenger says (code and title), never message text.
    public var error: String?

    public init(channel: Channel, providerMessageID: String, state: State, error: String? = nil) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.state = state
        self.error = error
    }
}

/// A webhook body that is not what the messenger sends: answered with 400, nothing stored.
public struct WebhookDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// How one attempt to send went, decided from the messenger's answer.
public enum SendOutcome: Sendable, Equatable {
    /// Accepted by the messenger, with the id it gave the message when it gives one (for
    /// matching later delivery statuses).
    case sent(providerMessageID: String?)
    /// Try again later: after the given delay when the messenger said, else with backoff.
    case retry(after: Duration?, reason: String)
    /// Will never succeed (blocked by the user, bad request, window closed): stop, keep the reason.
    case dead(reason: String)
}

/// Language tags as messengers send them (`de-AT`, `pt_BR`, `UK`) reduced to the code the intent
/// files use (`de`, `pt`, `uk`).
public func primaryLanguage(_ tag: String?) -> String? {
    guard let tag, !tag.isEmpty else { return nil }
    let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
    guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
    return primary
}
