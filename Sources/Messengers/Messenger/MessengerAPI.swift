import Foundation

/// The Send API's conventions: where messages go and what its answers mean. Sending itself is
/// the HTTP client's job.
public struct MessengerAPI: Sendable {
    /// Rate limits: 4 app, 17 user, 32 page, 613 calls within the last hour.
    static let rateLimitCodes: Set<Int> = [4, 17, 32, 613]
    /// Meta's own trouble: 1 unknown, 2 service unavailable.
    static let transientCodes: Set<Int> = [1, 2]

    /// `me/messages`, below the versioned base URL: the page the token belongs to.
    public static let messagesMethod = "me/messages"

    public let endpoint: GraphEndpoint

    public init(
        pageAccessToken: String, baseURL: String = GraphEndpoint.defaultBaseURL,
        graphVersion: String = GraphEndpoint.defaultVersion
    ) throws(MetaConfigurationError) {
        endpoint = try GraphEndpoint(
            accessToken: pageAccessToken, baseURL: baseURL, version: graphVersion, tokenSetting: "Messenger page access token",
            channel: "Messenger")
    }

    public func request(for call: APICall) -> APIRequest {
        endpoint.request(for: call)
    }

    /// What an answer of `POST /me/messages` means for the message.
    public static func classify(_ response: APIResponse) -> SendOutcome {
        if (200..<300).contains(response.status) {
            let accepted = try? JSONDecoder().decode(Accepted.self, from: response.body)
            return .sent(providerMessageID: accepted?.messageID)
        }
        let error = GraphError.parse(response.body)
        let code = error?.code
        if code == 10 && error?.subcode == 2_018_278 {
            return .dead(
                reason: "outside the 24-hour messaging window: the person has not written for more than 24 hours (10/2018278)")
        }
        if code == 551 {
            return .dead(reason: "the person is not available (551)")
        }
        return GraphError.outcome(of: response, error: error, rateLimitCodes: rateLimitCodes, transientCodes: transientCodes)
    }

    /// `{"recipient_id":"…","message_id":"m_…"}`
    struct Accepted: Decodable {
        var messageID: String?

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
        }
    }
}
