/// Telegram proves a webhook request is authentic by echoing the secret token set with
/// `setWebhook` in the `X-Telegram-Bot-Api-Secret-Token` header. There is no body signature.
public struct TelegramVerifier: Sendable {
    public static let header = "X-Telegram-Bot-Api-Secret-Token"

    private let secret: String

    /// - Parameter secret: 1–256 characters of `A–Z a–z 0–9 _ -`, as Telegram requires.
    public init(secret: String) throws(TelegramConfigurationError) {
        guard Self.isValidSecret(secret) else { throw .invalidSecretToken }
        self.secret = secret
    }

    /// True only for the exact secret; compared in constant time.
    public func isAuthentic(headerValue: String?) -> Bool {
        guard let headerValue else { return false }
        return ConstantTime.equal(headerValue, secret)
    }

    public static func isValidSecret(_ secret: String) -> Bool {
        (1...256).contains(secret.utf8.count)
            && secret.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }
}

public enum TelegramConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSecretToken
    case invalidBotToken

    public var description: String {
        switch self {
        case .invalidSecretToken:
            "TELEGRAM_SECRET_TOKEN must be 1–256 characters of A–Z, a–z, 0–9, '_' and '-'"
        case .invalidBotToken:
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, ':' and a key, as BotFather gives it)"
        }
    }
}
