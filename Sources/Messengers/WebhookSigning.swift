import Crypto
import Foundation

/// Signs webhook requests the way each messenger does, for `welcomebot webhook check` (which
/// proves the running server holds the same secrets) and for tests that play the messenger.
public enum WebhookSigning {
    /// WhatsApp and Messenger: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`.
    public static func meta(body: Data, appSecret: String) -> (header: String, value: String) {
        ("X-Hub-Signature-256", "sha256=" + hex(HMAC<SHA256>.authenticationCode(for: body, using: key(appSecret))))
    }

    /// Viber: `X-Viber-Content-Signature: <hex HMAC-SHA256(auth token, body)>`.
    public static func viber(body: Data, authToken: String) -> (header: String, value: String) {
        ("X-Viber-Content-Signature", hex(HMAC<SHA256>.authenticationCode(for: body, using: key(authToken))))
    }

    /// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, URL + sorted name+value pairs)>`.
    public static func twilio(url: String, parameters: [(String, String)], authToken: String) -> (header: String, value: String) {
        let signed = parameters.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.reduce(url) { $0 + $1.0 + $1.1 }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: key(authToken))
        return ("X-Twilio-Signature", Data(code).base64EncodedString())
    }

    private static func key(_ secret: String) -> SymmetricKey {
        SymmetricKey(data: Data(secret.utf8))
    }

    private static func hex(_ code: some Sequence<UInt8>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }
}
