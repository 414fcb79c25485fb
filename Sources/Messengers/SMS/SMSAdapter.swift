import Foundation
import WelcomeCore

/// SMS through Twilio Programmable Messaging: signed form webhooks in, replies through the
/// Messages API (the outbox) or, when the operator chooses, as TwiML in the webhook response.
public struct SMSAdapter: MessengerAdapter {
    /// How inbound messages are answered.
    public enum ReplyMode: String, Sendable, CaseIterable {
        /// Through the outbox and the Messages API: retried, with delivery statuses.
        case api
        /// As TwiML in the webhook response: no API call, but no retry if Twilio cannot deliver.
        case twiml
    }

    public var channel: Channel { .sms }
    public var webhookContentType: WebhookContentType { .form }

    /// The bot's number in E.164 (`+49341…`), the sender of every message.
    public let phoneNumber: String
    public let replyMode: ReplyMode
    /// Where Twilio reports what became of each sent message, when configured.
    public let statusCallbackURL: String?
    public let verifier: TwilioVerifier
    public let decoder: TwilioDecoder
    public let renderer: SMSRenderer
    public let api: TwilioAPI

    /// - Parameters:
    ///   - accountSID: `AC…`, from the Twilio console.
    ///   - authToken: the current auth token: signs API calls and webhooks.
    ///   - previousAuthToken: during a rotation, the old token, still accepted on webhooks.
    ///   - phoneNumber: the bot's number in E.164.
    ///   - publicWebhookURL: the webhook URL exactly as configured in Twilio; Twilio signs it, and
    ///     behind a proxy the request cannot tell what it was.
    ///   - apiBaseURL: the Messages API's base URL.
    ///   - replyMode: answer through the API (default) or with TwiML.
    ///   - statusCallbackURL: where Twilio posts delivery statuses, if anywhere.
    public init(
        accountSID: String, authToken: String, previousAuthToken: String? = nil, phoneNumber: String,
        publicWebhookURL: String, apiBaseURL: String = "https://api.twilio.com", replyMode: ReplyMode = .api,
        statusCallbackURL: String? = nil
    ) throws(SMSConfigurationError) {
        guard accountSID.hasPrefix("AC"), accountSID.count > 2,
            accountSID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { throw .invalidAccountSID }
        guard !authToken.isEmpty else { throw .missingAuthToken }
        guard Self.isE164(phoneNumber) else { throw .invalidPhoneNumber }
        guard Self.isWebURL(publicWebhookURL) else { throw .invalidWebhookURL }
        guard Self.isWebURL(apiBaseURL) else { throw .invalidAPIBaseURL }
        if let statusCallbackURL, !Self.isWebURL(statusCallbackURL) { throw .invalidStatusCallbackURL }
        self.phoneNumber = phoneNumber
        self.replyMode = replyMode
        self.statusCallbackURL = statusCallbackURL
        let previous = previousAuthToken.map { [$0] } ?? []
        verifier = TwilioVerifier(authTokens: [authToken] + previous, publicURL: publicWebhookURL)
        decoder = TwilioDecoder(replyInResponse: replyMode == .twiml)
        renderer = SMSRenderer()
        api = TwilioAPI(accountSID: accountSID, authToken: authToken, baseURL: apiBaseURL)
    }

    public func isAuthentic(_ request: WebhookRequest) -> Bool {
        verifier.isAuthentic(signature: request.header(TwilioVerifier.header), uri: request.uri, body: request.body)
    }

    public func decode(_ request: WebhookRequest) throws(WebhookDecodingError) -> DecodedWebhook {
        try decoder.decode(request.body)
    }

    public func render(_ reply: Reply, to chatID: String) -> [APICall] {
        renderer.render(reply).map { api.message(to: chatID, from: phoneNumber, body: $0, statusCallback: statusCallbackURL) }
    }

    public func request(for call: APICall) -> APIRequest {
        api.request(for: call)
    }

    public func classify(_ response: APIResponse) -> SendOutcome {
        TwilioAPI.classify(response)
    }

    /// TwiML messages go back to the sender, from the number they wrote to.
    public func webhookResponse(_ reply: Reply, to message: InboundMessage) -> WebhookResponse {
        WebhookResponse(contentType: Self.twimlContentType, body: Data(renderer.twiml(reply).utf8))
    }

    public var acknowledgement: WebhookResponse {
        WebhookResponse(contentType: Self.twimlContentType, body: Data(SMSRenderer.emptyTwiML.utf8))
    }

    static let twimlContentType = "text/xml"

    /// `+`, then up to 15 digits, the first not 0.
    static func isE164(_ number: String) -> Bool {
        guard number.first == "+" else { return false }
        let digits = number.dropFirst()
        return (2...15).contains(digits.count) && digits.first != "0" && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isWebURL(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}

/// A Twilio setting the adapter cannot work with, found at start-up.
public enum SMSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAccountSID
    case missingAuthToken
    case invalidPhoneNumber
    case invalidWebhookURL
    case invalidAPIBaseURL
    case invalidStatusCallbackURL

    public var description: String {
        switch self {
        case .invalidAccountSID:
            "the Twilio account SID must start with 'AC' (the Account SID from the console, not an API key 'SK…')"
        case .missingAuthToken:
            "the Twilio auth token is empty"
        case .invalidPhoneNumber:
            "the bot's phone number must be in E.164 form: '+', country code and number, digits only (+49341…)"
        case .invalidWebhookURL:
            "the public webhook URL must be the absolute http(s) URL configured in Twilio (https://bot.example.org/webhooks/sms)"
        case .invalidAPIBaseURL:
            "the Twilio API base URL must be an absolute http(s) URL"
        case .invalidStatusCallbackURL:
            "the status callback URL must be an absolute http(s) URL"
        }
    }
}
