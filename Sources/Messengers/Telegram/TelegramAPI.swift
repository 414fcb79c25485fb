import Foundation

/// The Bot API calls the bot makes, as method name and JSON body, and what their answers mean.
/// Sending itself is the HTTP client's job; this type knows Telegram's conventions only.
public struct TelegramAPI: Sendable {
    /// `https://api.telegram.org`, or a self-hosted Bot API server, or a fake in tests.
    public var baseURL: String
    private let token: String

    public init(token: String, baseURL: String = "https://api.telegram.org") throws(TelegramConfigurationError) {
        guard Self.isValidToken(token) else { throw .invalidBotToken }
        self.token = token
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// The URL of a method. It contains the token: never log it.
    public func url(_ method: String) -> String {
        "\(baseURL)/bot\(token)/\(method)"
    }

    /// BotFather tokens: digits, a colon, and a key of letters, digits, '_' and '-'.
    public static func isValidToken(_ token: String) -> Bool {
        let parts = token.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
            parts[1].count >= 20
        else { return false }
        return parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    // MARK: Bodies

    public static func answerCallbackQuery(_ id: String) -> Data {
        encode(["callback_query_id": id])
    }

    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain value types cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    // MARK: Answers

    /// What an HTTP answer from the Bot API means for the message.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - body: the response body (`{"ok":…, "error_code":…, "description":…, "parameters":{"retry_after":…}}`).
    ///   - retryAfterHeader: the HTTP `Retry-After` header, as a fallback to `parameters.retry_after`.
    public static func classify(status: Int, body: Data, retryAfterHeader: Duration? = nil) -> SendOutcome {
        let envelope = try? JSONDecoder().decode(Envelope.self, from: body)
        let description = envelope?.description ?? "HTTP \(status)"
        if (200..<300).contains(status) && envelope?.ok != false { return .sent(providerMessageID: nil) }
        let code = envelope?.errorCode ?? status
        if code == 429 || status == 429 {
            let seconds = envelope?.parameters?.retryAfter.map { Duration.seconds($0) }
            return .retry(after: seconds ?? retryAfterHeader, reason: description)
        }
        if status >= 500 || code >= 500 {
            return .retry(after: retryAfterHeader, reason: description)
        }
        if code == 401 || status == 401 {
            return .dead(reason: "unauthorized: the bot token was refused (\(description))")
        }
        return .dead(reason: description)
    }

    struct Envelope: Decodable {
        var ok: Bool
        var errorCode: Int?
        var description: String?
        var parameters: Parameters?

        enum CodingKeys: String, CodingKey {
            case ok
            case errorCode = "error_code"
            case description, parameters
        }
    }

    struct Parameters: Decodable {
        var retryAfter: Int?

        enum CodingKeys: String, CodingKey {
            case retryAfter = "retry_after"
        }
    }
}
