import Foundation

/// Signs webhook requests the way each messenger does, for `welcomebot webhook check` (which
/// proves the running server holds the same secrets) and for tests that play the messenger.
/// Each uses the same code its verifier checks with.
public enum WebhookSigning {
    /// WhatsApp and Messenger: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`.
    public static func meta(body: Data, appSecret: String) -> (header: String, value: String) {
        (MetaSignature.header, MetaSignature.headerValue(for: body, secret: appSecret))
    }

    /// Viber: `X-Viber-Content-Signature: <hex HMAC-SHA256(auth token, body)>`.
    public static func viber(body: Data, authToken: String) -> (header: String, value: String) {
        (ViberVerifier.header, ViberVerifier.signature(of: body, authToken: authToken))
    }

    /// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, URL + sorted name+value pairs)>`.
    public static func twilio(url: String, parameters: [(String, String)], authToken: String) -> (header: String, value: String) {
        let text = TwilioVerifier.signedText(url: url, parameters: parameters)
        return (TwilioVerifier.header, TwilioVerifier.signature(of: Data(text.utf8), token: authToken))
    }
}
