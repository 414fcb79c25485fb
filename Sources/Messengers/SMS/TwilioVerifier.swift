import Crypto
import Foundation
import WelcomeCore

/// Twilio signs every webhook with `X-Twilio-Signature`: the Base64 HMAC-SHA1, keyed with the
/// account's auth token, of the URL it requested followed by each form parameter, sorted by name,
/// as name and value. JSON-body webhooks sign the URL only and carry the body's SHA-256 in the
/// URL's `bodySHA256` parameter.
public struct TwilioVerifier: Sendable {
    public static let header = "X-Twilio-Signature"

    /// The current token first, then the previous one during a rotation.
    private let tokens: [String]
    private let publicURL: String

    /// - Parameters:
    ///   - authTokens: the tokens whose signatures are accepted; empty ones are dropped, since an
    ///     empty key would make every forger's guess right.
    ///   - publicURL: the webhook URL as configured in Twilio. Behind a proxy the request's own
    ///     host and scheme are not what Twilio signed, so the URL is never rebuilt from them.
    public init(authTokens: [String], publicURL: String) {
        self.tokens = authTokens.filter { !$0.isEmpty }
        self.publicURL = publicURL
    }

    /// True when `signature` was made with one of the tokens over this request.
    /// - Parameters:
    ///   - signature: the `X-Twilio-Signature` header.
    ///   - uri: the path and query the server received; only its query string is used.
    ///   - body: the raw body.
    public func isAuthentic(signature: String?, uri: String, body: Data) -> Bool {
        guard let signature, !signature.isEmpty, !tokens.isEmpty else { return false }
        let url = signedURL(requestURI: uri)
        var parameters = FormEncoding.decode(body)
        var bodyMatches = true
        if let hash = WebhookRequest(body: Data(), uri: url).query["bodySHA256"] {
            // The JSON variant: the body is not form parameters, its hash in the URL stands for it.
            bodyMatches = ConstantTime.equal(Self.sha256Hex(body), hash.lowercased())
            parameters = []
        }
        // Every candidate is computed and compared, so the time taken does not tell which matched.
        var matched = false
        for candidate in Self.portVariants(of: url) {
            let text = Data(Self.signedText(url: candidate, parameters: parameters).utf8)
            for token in tokens {
                let expected = Self.signature(of: text, token: token)
                if ConstantTime.equal(expected, signature) { matched = true }
            }
        }
        return bodyMatches && matched
    }

    /// The configured URL, with the request's query string when the configured URL has none:
    /// Twilio signs the URL it requested, and an operator may have configured parameters in
    /// Twilio's console without repeating them here.
    func signedURL(requestURI: String) -> String {
        guard !publicURL.contains("?"), let mark = requestURI.firstIndex(of: "?") else { return publicURL }
        let query = requestURI[requestURI.index(after: mark)...]
        return query.isEmpty ? publicURL : publicURL + "?" + query
    }

    /// The URL and the same URL with its default port added or removed: Twilio's back end is not
    /// consistent about the explicit `:443`/`:80`, and its own libraries accept both.
    static func portVariants(of url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let defaultPort: Substring
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "https": defaultPort = "443"
        case "http": defaultPort = "80"
        default: return [url]
        }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(where: { "/?#".contains($0) }) ?? url.endIndex
        let authority = url[schemeEnd.upperBound..<authorityEnd]
        // The port is after the last colon that follows any user info and IPv6 literal.
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let portSearchStart = authority[hostStart...].lastIndex(of: "]") ?? hostStart
        if let colon = authority[portSearchStart...].lastIndex(of: ":") {
            guard authority[authority.index(after: colon)...] == defaultPort else { return [url] }
            return [url, String(url[..<colon]) + url[authorityEnd...]]
        }
        return [url, String(url[..<authorityEnd]) + ":" + defaultPort + url[authorityEnd...]]
    }

    /// The URL followed by name and value of each parameter, sorted by name and then value in
    /// byte order (Twilio's "Unix-style case-sensitive" sort).
    static func signedText(url: String, parameters: [(String, String)]) -> String {
        let sorted = parameters.sorted { first, second in
            if first.0.utf8.elementsEqual(second.0.utf8) { return first.1.utf8.lexicographicallyPrecedes(second.1.utf8) }
            return first.0.utf8.lexicographicallyPrecedes(second.0.utf8)
        }
        return sorted.reduce(into: url) { text, parameter in text += parameter.0 + parameter.1 }
    }

    static func signature(of text: Data, token: String) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: text, using: SymmetricKey(data: Data(token.utf8)))
        return Data(code).base64EncodedString()
    }

    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).hexadecimal
    }
}
