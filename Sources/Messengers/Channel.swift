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

    public init(
        channel: Channel, providerMessageID: String, userID: String, chatID: String, input: Input,
        languageHint: String? = nil, callbackQueryID: String? = nil
    ) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.userID = userID
        self.chatID = chatID
        self.input = input
        self.languageHint = languageHint
        self.callbackQueryID = callbackQueryID
    }
}

/// What a webhook body turned out to be.
public enum DecodedWebhook: Sendable, Equatable {
    /// Messages to answer (some messengers batch several in one request).
    case messages([InboundMessage])
    /// An authentic update of a kind the bot does not answer; acknowledged so it is not resent.
    case ignored(kind: String)
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
    /// Delivered to the messenger.
    case sent
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
