import Foundation

/// The error object the Graph API answers with, for WhatsApp and Messenger alike:
/// `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`.
public struct GraphError: Sendable, Equatable, Decodable {
    public var message: String?
    public var type: String?
    public var code: Int?
    public var subcode: Int?
    /// Meta's id for the failed request, to quote when asking Meta's support.
    public var fbtraceID: String?

    public init(message: String? = nil, type: String? = nil, code: Int? = nil, subcode: Int? = nil, fbtraceID: String? = nil) {
        self.message = message
        self.type = type
        self.code = code
        self.subcode = subcode
        self.fbtraceID = fbtraceID
    }

    enum CodingKeys: String, CodingKey {
        case message, type, code
        case subcode = "error_subcode"
        case fbtraceID = "fbtrace_id"
    }

    private struct Envelope: Decodable {
        var error: GraphError
    }

    /// The error in a response body, or nil when the body is not a Graph error.
    public static func parse(_ body: Data) -> GraphError? {
        try? JSONDecoder().decode(Envelope.self, from: body).error
    }

    /// `CODE: message` for a dead message's reason, with anything that looks like a phone number
    /// taken out and the length capped: reasons are stored and logged, people's numbers must not be.
    public var reason: String {
        let code = code.map(String.init) ?? "unknown error"
        guard let message, !message.isEmpty else { return code }
        return "\(code): \(Self.redacted(message))"
    }

    static let reasonLimit = 160

    /// The failure rules both Graph APIs share, after each has decided its own permanent codes
    /// (the 24-hour window): rate limits and Meta's own trouble are retried, a refused token
    /// and anything else is dead with its reason.
    static func outcome(
        of response: APIResponse, error: GraphError?, rateLimitCodes: Set<Int>, transientCodes: Set<Int>
    ) -> SendOutcome {
        let code = error?.code
        if let code, rateLimitCodes.contains(code) {
            return .retry(after: response.retryAfter, reason: "rate limited (\(code))")
        }
        if response.status == 429 {
            return .retry(after: response.retryAfter, reason: "rate limited (HTTP 429)")
        }
        if let code, transientCodes.contains(code) {
            return .retry(after: response.retryAfter, reason: "temporary Graph error (\(code))")
        }
        if response.status >= 500 {
            return .retry(after: response.retryAfter, reason: "HTTP \(response.status)")
        }
        if code == tokenRefused {
            return .dead(reason: "access token refused")
        }
        return .dead(reason: error.map(\.reason) ?? "HTTP \(response.status)")
    }

    /// Graph's code for an expired or revoked access token.
    static let tokenRefused = 190

    /// Runs of eight or more digits (with single spaces, dashes, dots or brackets between them)
    /// become "…": error codes have at most seven, phone numbers have more.
    static func redacted(_ text: String) -> String {
        let redacted = text.replacing(/\+?\d(?:[ \-.()]?\d){7,}/, with: "…")
        guard redacted.count > reasonLimit else { return redacted }
        return String(redacted.prefix(reasonLimit - 1)) + "…"
    }
}
