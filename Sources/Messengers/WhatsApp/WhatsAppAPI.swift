import Foundation

/// The Cloud API's conventions for sending: where messages go and what its answers mean.
/// Sending itself is the HTTP client's job.
public struct WhatsAppAPI: Sendable {
    /// Graph error codes that mean "too much, too fast": the message is fine, later it will go.
    /// 130429 throughput, 131056 too many to one person, 80007 account rate limit, 4 app rate limit.
    static let rateLimitCodes: Set<Int> = [130_429, 131_056, 80007, 4]
    /// Meta's own trouble: 1 unknown, 2 service unavailable, 131000 something went wrong.
    static let transientCodes: Set<Int> = [1, 2, 131_000]
    static let windowClosed = 131_047

    public let phoneNumberID: String
    public let endpoint: GraphEndpoint

    public init(
        accessToken: String, phoneNumberID: String, baseURL: String = GraphEndpoint.defaultBaseURL,
        graphVersion: String = GraphEndpoint.defaultVersion
    ) throws(MetaConfigurationError) {
        guard !phoneNumberID.isEmpty, phoneNumberID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw MetaConfigurationError(
                setting: "WhatsApp phone number id",
                problem: phoneNumberID.isEmpty
                    ? "is empty: it is the number's id under WhatsApp › API Setup, not the phone number"
                    : "must be digits only: it is the number's id under WhatsApp › API Setup, not the phone number")
        }
        self.phoneNumberID = phoneNumberID
        endpoint = try GraphEndpoint(
            accessToken: accessToken, baseURL: baseURL, version: graphVersion, tokenSetting: "WhatsApp access token",
            channel: "WhatsApp")
    }

    /// `<phone number id>/messages`, below the versioned base URL.
    public var messagesMethod: String { "\(phoneNumberID)/messages" }

    public func request(for call: APICall) -> APIRequest {
        endpoint.request(for: call)
    }

    /// What an answer of `POST /<phone number id>/messages` means for the message.
    public static func classify(_ response: APIResponse) -> SendOutcome {
        if (200..<300).contains(response.status) {
            let accepted = try? JSONDecoder().decode(Accepted.self, from: response.body)
            return .sent(providerMessageID: accepted?.messages?.first?.id)
        }
        let error = GraphError.parse(response.body)
        let code = error?.code
        if code == windowClosed {
            return .dead(reason: "the 24-hour window is closed: the person has not written for more than 24 hours (131047)")
        }
        return GraphError.outcome(of: response, error: error, rateLimitCodes: rateLimitCodes, transientCodes: transientCodes)
    }

    /// `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}`
    struct Accepted: Decodable {
        var messages: [Sent]?

        struct Sent: Decodable {
            var id: String?
        }
    }
}
