import Crypto
import Foundation
import WelcomeCore

/// Meta signs every webhook POST (WhatsApp and Messenger alike) with the app secret:
/// `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`.
public struct MetaSignature: Sendable {
    public static let header = "X-Hub-Signature-256"
    static let prefix = "sha256="

    private let keys: [SymmetricKey]

    /// - Parameter appSecrets: one app secret, or two while the app secret is being rotated (the
    ///   old one until Meta has stopped using it, and the new one).
    public init(appSecrets: [String], channel: String) throws(MetaConfigurationError) {
        guard (1...2).contains(appSecrets.count) else {
            throw MetaConfigurationError(
                setting: "\(channel) app secret", problem: "must be one secret, or two while rotating (found \(appSecrets.count))"
            )
        }
        for secret in appSecrets where secret.isEmpty {
            throw MetaConfigurationError(
                setting: "\(channel) app secret", problem: "is empty: copy it from the app dashboard (App settings › Basic)")
        }
        keys = appSecrets.map { SymmetricKey(data: Data($0.utf8)) }
    }

    /// True when the header is the HMAC of exactly these bytes under one of the secrets. A missing
    /// or malformed header is not authentic. Compared in constant time.
    public func isAuthentic(body: Data, signatureHeader: String?) -> Bool {
        guard let signatureHeader, let given = Self.digest(fromHeader: signatureHeader) else { return false }
        // Every secret is tried, so that the time taken does not say which one matched.
        var matched = false
        for key in keys {
            let expected = Array(HMAC<SHA256>.authenticationCode(for: body, using: key))
            if ConstantTime.equal(expected, given) { matched = true }
        }
        return matched
    }

    /// The header value Meta would send for `body` signed with `secret`: for tests and fakes.
    public static func headerValue(for body: Data, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return prefix + code.hexadecimal
    }

    /// The 32 bytes of a `sha256=` header, or nil when it has another scheme (`sha1=`), another
    /// length or anything but hex digits.
    static func digest(fromHeader header: String) -> [UInt8]? {
        guard header.hasPrefix(prefix) else { return nil }
        let hex = Array(header.utf8.dropFirst(prefix.utf8.count))
        guard hex.count == 2 * SHA256.byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256.byteCount)
        var index = 0
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
