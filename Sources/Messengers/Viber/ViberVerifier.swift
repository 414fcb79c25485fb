import Crypto
import Foundation
import WelcomeCore

/// Viber signs every callback: `X-Viber-Content-Signature` is the lowercase hex HMAC-SHA256 of
/// the raw body, keyed with the bot's auth token.
public struct ViberVerifier: Sendable {
    public static let header = "X-Viber-Content-Signature"

    private let keys: [SymmetricKey]

    /// - Parameters:
    ///   - authToken: the current token.
    ///   - previousAuthToken: the token before a rotation, still accepted until Viber's
    ///     retries signed with it have passed.
    public init(authToken: String, previousAuthToken: String? = nil) throws(ViberConfigurationError) {
        guard !authToken.isEmpty else { throw .missingAuthToken }
        let tokens = [authToken] + [previousAuthToken].compactMap { $0 }.filter { !$0.isEmpty }
        keys = tokens.map { SymmetricKey(data: Data($0.utf8)) }
    }

    /// True when the signature matches the body under one of the tokens; compared in constant time.
    public func isAuthentic(body: Data, signature: String?) -> Bool {
        // Hex digits' case carries no secret; Viber sends lower case, tolerate upper.
        guard let signature = signature?.lowercased(), !signature.isEmpty else { return false }
        var matched = false
        // Every key is tried, so that the time does not tell which token signed.
        for key in keys {
            matched = ConstantTime.equal(Array(Self.signature(of: body, key: key).utf8), Array(signature.utf8)) || matched
        }
        return matched
    }

    /// The lowercase hex signature Viber would send for `body`.
    public static func signature(of body: Data, authToken: String) -> String {
        signature(of: body, key: SymmetricKey(data: Data(authToken.utf8)))
    }

    private static func signature(of body: Data, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: key).hexadecimal
    }
}
