import Foundation

/// What WhatsApp and Messenger share as adapters: Meta signs both webhooks the same way and
/// checks both callback URLs with the same handshake.
public protocol MetaWebhookAdapter: MessengerAdapter {
    var signature: MetaSignature { get }
    var verification: MetaHandshake { get }
}

extension MetaWebhookAdapter {
    public var webhookContentType: WebhookContentType { .json }

    public func isAuthentic(_ request: WebhookRequest) -> Bool {
        signature.isAuthentic(body: request.body, signatureHeader: request.header(MetaSignature.header))
    }

    public func handshake(query: [String: String]) -> HandshakeResult? {
        verification.answer(query)
    }
}
