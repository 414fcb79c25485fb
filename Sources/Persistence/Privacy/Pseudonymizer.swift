import Crypto
import Foundation
import WelcomeCore

/// Turns messenger user ids into pseudonyms: HMAC-SHA256 of channel and user id under a key that
/// lives outside the database (an environment variable, or a key file readable by the server
/// only). Whoever has only the database cannot tell who wrote; the same person on the same
/// channel still gets the same pseudonym, which is what conversation state needs.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    /// Keys shorter than this are refused: an HMAC key is only as strong as its length.
    public static let minimumKeyBytes = 32

    public init(key: [UInt8]) throws(PseudonymKeyError) {
        guard key.count >= Self.minimumKeyBytes else { throw .tooShort(bytes: key.count) }
        self.key = SymmetricKey(data: key)
    }

    public func pseudonym(channel: String, userID: String) -> Pseudonym {
        // The separator cannot occur in a channel name, so ("a", "b:c") and ("a:b", "c") differ.
        let message = Array("\(channel)\u{0}\(userID)".utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return Pseudonym(code.hexadecimal)
    }

    /// The key from `environmentValue` (hex or base64) when given, else from `keyFile`, which is
    /// created with 32 random bytes and mode 0600 on first start.
    public static func loadKey(environmentValue: String?, keyFile: String) throws(PseudonymKeyError) -> [UInt8] {
        if let environmentValue, !environmentValue.isEmpty {
            if let bytes = decodeHex(environmentValue) ?? Data(base64Encoded: environmentValue).map(Array.init) {
                return bytes
            }
            throw .unreadable("the pseudonym key in the environment is neither hex nor base64")
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: keyFile) {
            guard let data = manager.contents(atPath: keyFile) else {
                throw .unreadable("the key file \(keyFile) cannot be read")
            }
            if let attributes = try? manager.attributesOfItem(atPath: keyFile),
                let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0
            {
                throw .unreadable(
                    "the key file \(keyFile) is readable by others (mode \(String(permissions, radix: 8))); run chmod 600 on it")
            }
            return Array(data)
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        // Created with mode 0600 from the start, so the key is never readable by others, not even briefly.
        guard manager.createFile(atPath: keyFile, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw .unreadable("the key file \(keyFile) cannot be created; check that the data folder exists and is writable")
        }
        return bytes
    }

    private static func decodeHex(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0, !characters.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

public enum PseudonymKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(bytes: Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case .tooShort(let bytes):
            "the pseudonym key has \(bytes) bytes; it needs at least \(Pseudonymizer.minimumKeyBytes) (64 hex digits)"
        case .unreadable(let reason):
            reason
        }
    }
}
