import Foundation

/// The REST Bot API calls the bot makes, as method name and JSON body, and what their answers
/// mean. Sending itself is the HTTP client's job; this type knows Viber's conventions only.
public struct ViberAPI: Sendable {
    /// The method that sends a message.
    public static let sendMessage = "send_message"
    /// The method that sets (or, with an empty URL, removes) the webhook.
    public static let setWebhookMethod = "set_webhook"
    /// The request header carrying the auth token on every call.
    public static let authTokenHeader = "X-Viber-Auth-Token"

    /// `https://chatapi.viber.com/pa`, or a fake in tests, without a trailing slash.
    public var baseURL: String
    private let authToken: String

    /// - Parameters:
    ///   - authToken: the bot's current auth token; it authorises every call.
    ///   - baseURL: the API's base URL (`https://chatapi.viber.com/pa`).
    public init(authToken: String, baseURL: String = "https://chatapi.viber.com/pa") throws(ViberConfigurationError) {
        guard !authToken.isEmpty else { throw .missingAuthToken }
        self.authToken = authToken
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
    }

    /// The HTTP request for a call. The headers hold the token: never log them.
    public func request(for call: APICall) -> APIRequest {
        APIRequest(
            url: "\(baseURL)/\(call.method)",
            headers: [Self.authTokenHeader: authToken, "Content-Type": "application/json"],
            body: call.body)
    }

    // MARK: Bodies

    /// The events the bot subscribes to. `message` cannot be filtered out and is always sent.
    public static let eventTypes = ["delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"]

    /// The `set_webhook` call for `url`. Names and photos are not asked for: the bot has no use
    /// for them, and what it never receives it cannot leak.
    public static func setWebhook(url: String) -> APICall {
        APICall(method: setWebhookMethod, body: encode(SetWebhook(url: url, eventTypes: eventTypes)))
    }

    /// JSON with sorted keys, so that the same call always has the same bytes.
    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain value types cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    struct SetWebhook: Encodable {
        var url: String
        var eventTypes: [String]
        var sendName = false
        var sendPhoto = false

        enum CodingKeys: String, CodingKey {
            case url
            case eventTypes = "event_types"
            case sendName = "send_name"
            case sendPhoto = "send_photo"
        }
    }

    // MARK: Answers

    /// What every Viber API method answers: `status` 0 is success, anything else an error code.
    public struct Answer: Sendable, Equatable, Decodable {
        public var status: Int
        public var statusMessage: String?
        /// The id of a sent message (`send_message`), for matching delivery callbacks.
        public var messageToken: Int64?
        /// The events the webhook is subscribed to (`set_webhook`).
        public var eventTypes: [String]?

        public init(status: Int, statusMessage: String? = nil, messageToken: Int64? = nil, eventTypes: [String]? = nil) {
            self.status = status
            self.statusMessage = statusMessage
            self.messageToken = messageToken
            self.eventTypes = eventTypes
        }

        public var isSuccess: Bool { status == 0 }

        enum CodingKeys: String, CodingKey {
            case status
            case statusMessage = "status_message"
            case messageToken = "message_token"
            case eventTypes = "event_types"
        }
    }

    /// The answer in a response body; nil when the body is not one (not JSON, no `status`).
    public static func answer(from body: Data) -> Answer? {
        try? JSONDecoder().decode(Answer.self, from: body)
    }

    /// Error codes whose meaning the bot acts on.
    public enum Status {
        public static let ok = 0
        public static let invalidAuthToken = 2
        public static let receiverNotRegistered = 5
        public static let receiverNotSubscribed = 6
        public static let accountBlocked = 7
        public static let rateControl = 12
    }

    /// What an HTTP answer from the API means for the message. Viber reports most errors with
    /// HTTP 200 and a non-zero `status`, so the body decides, except for 429 and 5xx.
    public static func classify(_ response: APIResponse) -> SendOutcome {
        if response.status == 429 || response.status >= 500 {
            return .retry(after: response.retryAfter, reason: "HTTP \(response.status)")
        }
        guard let answer = answer(from: response.body) else {
            if (200..<300).contains(response.status) {
                // A proxy's page or a cut answer: whether the message went out is unknown, and a
                // duplicate is better than a reply lost.
                return .retry(after: response.retryAfter, reason: "HTTP \(response.status) without a Viber status")
            }
            return .dead(reason: "HTTP \(response.status)")
        }
        switch answer.status {
        case Status.ok:
            return .sent(providerMessageID: answer.messageToken.map { String($0) })
        case Status.rateControl:
            return .retry(after: response.retryAfter, reason: describe(answer))
        case Status.receiverNotRegistered:
            return .dead(reason: "the person is not reachable: not registered on Viber (\(describe(answer)))")
        case Status.receiverNotSubscribed:
            return .dead(reason: "the person is not reachable: not subscribed to the bot (\(describe(answer)))")
        case Status.invalidAuthToken:
            return .dead(reason: "auth token refused (\(describe(answer)))")
        default:
            return .dead(reason: describe(answer))
        }
    }

    /// "STATUS: status_message". Viber's messages are short code names; the cap keeps an
    /// unexpected long one (which could echo the request) out of the outbox.
    static func describe(_ answer: Answer) -> String {
        guard let message = answer.statusMessage, !message.isEmpty else { return String(answer.status) }
        return "\(answer.status): \(message.prefix(80))"
    }
}

/// A Viber setting that the API would refuse, found at start-up rather than on the first send.
public enum ViberConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingAuthToken
    /// The sender name must be 1–28 characters; carries the length found.
    case invalidBotName(length: Int)

    public var description: String {
        switch self {
        case .missingAuthToken:
            "VIBER_AUTH_TOKEN is empty: set the auth token from the Viber admin panel"
        case .invalidBotName(let length):
            "the Viber bot name (VIBER_BOT_NAME) must be 1 to 28 characters, not \(length)"
        }
    }
}
