/// Where Graph API calls go and how they are authorised, shared by WhatsApp and Messenger:
/// `<base URL>/<version>/<method>` with the token as a bearer header, never in the URL, so that
/// URLs in logs and error messages carry no secret.
public struct GraphEndpoint: Sendable {
    public static let defaultBaseURL = "https://graph.facebook.com"
    /// The version the adapters were written against; Meta keeps each version for about two years.
    public static let defaultVersion = "v25.0"

    /// `https://graph.facebook.com`, or a fake in tests; without a trailing slash.
    public let baseURL: String
    /// `v25.0`.
    public let version: String
    private let accessToken: String

    /// - Parameters:
    ///   - tokenSetting: the token's name in error messages ("WhatsApp access token").
    ///   - channel: the channel's name in error messages ("WhatsApp").
    public init(accessToken: String, baseURL: String, version: String, tokenSetting: String, channel: String)
        throws(MetaConfigurationError)
    {
        guard !accessToken.isEmpty else {
            throw MetaConfigurationError(setting: tokenSetting, problem: "is empty: create one in the app dashboard")
        }
        guard accessToken.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw MetaConfigurationError(
                setting: tokenSetting, problem: "contains spaces or non-ASCII characters: was it copied whole and alone?")
        }
        guard baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://") else {
            throw MetaConfigurationError(
                setting: "\(channel) API base URL", problem: "must start with https:// (found '\(baseURL)')")
        }
        guard Self.isVersion(version) else {
            throw MetaConfigurationError(
                setting: "\(channel) Graph API version", problem: "must look like \(Self.defaultVersion) (found '\(version)')")
        }
        self.accessToken = accessToken
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.version = version
    }

    /// The POST for a call. The headers hold the token: never log them.
    public func request(for call: APICall) -> APIRequest {
        APIRequest(
            url: "\(baseURL)/\(version)/\(call.method)",
            headers: ["Authorization": "Bearer \(accessToken)", "Content-Type": "application/json"],
            body: call.body)
    }

    /// `v` and two dot-separated numbers, as Meta names versions.
    public static func isVersion(_ version: String) -> Bool {
        guard version.hasPrefix("v") else { return false }
        let numbers = version.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
