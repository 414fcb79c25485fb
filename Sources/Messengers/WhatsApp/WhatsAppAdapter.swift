import Foundation
import WelcomeCore

/// WhatsApp through Meta's Cloud API: signed JSON webhooks for one business phone number,
/// replies through `POST /<version>/<phone number id>/messages`.
public struct WhatsAppAdapter: MetaWebhookAdapter {
    public let api: WhatsAppAPI
    public let decoder: WhatsAppDecoder
    public let renderer = WhatsAppRenderer()
    public let signature: MetaSignature
    public let verification: MetaHandshake

    /// - Parameters:
    ///   - accessToken: a system user's permanent token with `whatsapp_business_messaging`.
    ///   - appSecrets: the app secret; two while rotating it.
    ///   - verifyToken: the token entered with the callback URL in the app dashboard.
    ///   - phoneNumberID: the business number's id (not the phone number itself).
    public init(
        accessToken: String, appSecrets: [String], verifyToken: String, phoneNumberID: String,
        baseURL: String = GraphEndpoint.defaultBaseURL, graphVersion: String = GraphEndpoint.defaultVersion
    ) throws(MetaConfigurationError) {
        api = try WhatsAppAPI(
            accessToken: accessToken, phoneNumberID: phoneNumberID, baseURL: baseURL, graphVersion: graphVersion)
        signature = try MetaSignature(appSecrets: appSecrets, channel: "WhatsApp")
        verification = try MetaHandshake(verifyToken: verifyToken, channel: "WhatsApp")
        decoder = WhatsAppDecoder(phoneNumberID: phoneNumberID)
    }

    public var channel: Channel { .whatsapp }

    public func decode(_ request: WebhookRequest) throws(WebhookDecodingError) -> DecodedWebhook {
        try decoder.decode(request.body)
    }

    public func render(_ reply: Reply, to chatID: String) -> [APICall] {
        renderer.render(reply, to: chatID).map { APICall(method: api.messagesMethod, body: MetaJSON.encode($0)) }
    }

    public func request(for call: APICall) -> APIRequest {
        api.request(for: call)
    }

    public func classify(_ response: APIResponse) -> SendOutcome {
        WhatsAppAPI.classify(response)
    }
}
