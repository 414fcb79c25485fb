import Foundation
import WelcomeCore

/// Facebook Messenger through a Page: signed JSON webhooks (`object: page`), replies through the
/// Send API, `POST /<version>/me/messages` with the page access token.
public struct FacebookMessengerAdapter: MetaWebhookAdapter {
    public let api: MessengerAPI
    public let decoder = MessengerDecoder()
    public let renderer = MessengerRenderer()
    public let signature: MetaSignature
    public let verification: MetaHandshake

    /// - Parameters:
    ///   - pageAccessToken: the Page's token with `pages_messaging`.
    ///   - appSecrets: the app secret; two while rotating it.
    ///   - verifyToken: the token entered with the callback URL in the app dashboard.
    public init(
        pageAccessToken: String, appSecrets: [String], verifyToken: String, baseURL: String = GraphEndpoint.defaultBaseURL,
        graphVersion: String = GraphEndpoint.defaultVersion
    ) throws(MetaConfigurationError) {
        api = try MessengerAPI(pageAccessToken: pageAccessToken, baseURL: baseURL, graphVersion: graphVersion)
        signature = try MetaSignature(appSecrets: appSecrets, channel: "Messenger")
        verification = try MetaHandshake(verifyToken: verifyToken, channel: "Messenger")
    }

    public var channel: Channel { .messenger }

    public func decode(_ request: WebhookRequest) throws(WebhookDecodingError) -> DecodedWebhook {
        try decoder.decode(request.body)
    }

    public func render(_ reply: Reply, to chatID: String) -> [APICall] {
        renderer.render(reply, to: chatID).map { APICall(method: MessengerAPI.messagesMethod, body: MetaJSON.encode($0)) }
    }

    public func request(for call: APICall) -> APIRequest {
        api.request(for: call)
    }

    public func classify(_ response: APIResponse) -> SendOutcome {
        MessengerAPI.classify(response)
    }
}
