/// Meta's subscription check: when a callback URL is saved in the app dashboard, Meta sends
/// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` and expects the challenge back.
public struct MetaHandshake: Sendable {
    private let verifyToken: String

    public init(verifyToken: String, channel: String) throws(MetaConfigurationError) {
        guard !verifyToken.isEmpty else {
            throw MetaConfigurationError(
                setting: "\(channel) verify token",
                problem: "is empty: choose one and enter the same value in the app dashboard's webhook settings")
        }
        self.verifyToken = verifyToken
    }

    /// Accepts a subscription with the configured token (compared in constant time); rejects
    /// everything else, including a request without a challenge to echo.
    public func answer(_ query: [String: String]) -> HandshakeResult {
        guard query["hub.mode"] == "subscribe", let token = query["hub.verify_token"],
            let challenge = query["hub.challenge"], !challenge.isEmpty
        else { return .reject }
        return ConstantTime.equal(token, verifyToken) ? .accept(challenge: challenge) : .reject
    }
}
