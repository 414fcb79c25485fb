import Foundation
import WelcomeCore

/// Viber through its REST Bot API: signed JSON callbacks, replies through `send_message`, and the
/// welcome message inside the response to `conversation_started`.
public struct ViberAdapter: MessengerAdapter {
    /// Viber's limit on `sender.name`.
    public static let botNameLimit = 28

    public var channel: Channel { .viber }
    public var webhookContentType: WebhookContentType { .json }

    private let verifier: ViberVerifier
    private let decoder = ViberDecoder()
    private let renderer: ViberRenderer
    private let api: ViberAPI

    /// - Parameters:
    ///   - authToken: the current auth token: it signs callbacks and authorises every send.
    ///   - previousAuthToken: during a rotation, the old token, accepted on callbacks only.
    ///   - botName: the sender name shown with every message, 1–28 characters.
    ///   - avatarURL: the sender avatar, if any.
    ///   - apiBaseURL: `https://chatapi.viber.com/pa`, or a fake in tests.
    public init(
        authToken: String, previousAuthToken: String? = nil, botName: String, avatarURL: String? = nil,
        apiBaseURL: String = "https://chatapi.viber.com/pa"
    ) throws(ViberConfigurationError) {
        guard (1...Self.botNameLimit).contains(botName.count) else { throw .invalidBotName(length: botName.count) }
        verifier = try ViberVerifier(authToken: authToken, previousAuthToken: previousAuthToken)
        api = try ViberAPI(authToken: authToken, baseURL: apiBaseURL)
        let avatar = avatarURL.flatMap { $0.isEmpty ? nil : $0 }
        renderer = ViberRenderer(sender: ViberRenderer.Sender(name: botName, avatar: avatar))
    }

    /// The same, with the tokens as a list: the current one first, then the previous one.
    public init(
        authTokens: [String], botName: String, avatarURL: String? = nil, apiBaseURL: String = "https://chatapi.viber.com/pa"
    ) throws(ViberConfigurationError) {
        guard let current = authTokens.first else { throw .missingAuthToken }
        try self.init(
            authToken: current, previousAuthToken: authTokens.dropFirst().first, botName: botName, avatarURL: avatarURL,
            apiBaseURL: apiBaseURL)
    }

    public func isAuthentic(_ request: WebhookRequest) -> Bool {
        verifier.isAuthentic(body: request.body, signature: request.header(ViberVerifier.header))
    }

    public func decode(_ request: WebhookRequest) throws(WebhookDecodingError) -> DecodedWebhook {
        try decoder.decode(request.body)
    }

    public func render(_ reply: Reply, to chatID: String) -> [APICall] {
        renderer.render(reply, to: chatID).map { APICall(method: ViberAPI.sendMessage, body: ViberAPI.encode($0)) }
    }

    public func request(for call: APICall) -> APIRequest {
        api.request(for: call)
    }

    public func classify(_ response: APIResponse) -> SendOutcome {
        ViberAPI.classify(response)
    }

    /// The welcome message as the JSON body of the `conversation_started` response.
    public func webhookResponse(_ reply: Reply, to message: InboundMessage) -> WebhookResponse {
        WebhookResponse(contentType: "application/json", body: ViberAPI.encode(renderer.welcome(reply)))
    }
}
