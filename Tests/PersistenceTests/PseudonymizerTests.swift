import Foundation
import Testing

@testable import Persistence

@Suite("Pseudonyms")
struct PseudonymizerTests {
    let key = [UInt8](repeating: 7, count: 32)

    @Test("the same person on the same channel gets the same pseudonym; anything else another")
    func stable() throws {
        let pseudonymizer = try Pseudonymizer(key: key)
        let a = pseudonymizer.pseudonym(channel: "telegram", userID: "1111111")
        #expect(a == pseudonymizer.pseudonym(channel: "telegram", userID: "1111111"))
        #expect(a != pseudonymizer.pseudonym(channel: "whatsapp", userID: "1111111"))
        #expect(a != pseudonymizer.pseudonym(channel: "telegram", userID: "1111112"))
        #expect(a != (try Pseudonymizer(key: [UInt8](repeating: 8, count: 32))).pseudonym(channel: "telegram", userID: "1111111"))
        #expect(a.value.count == 64)
        #expect(!a.value.contains("1111111"))
    }

    @Test("HMAC-SHA256 known answer, computed independently with Python")
    func knownAnswer() throws {
        // Computed independently: python3 -c "import hmac,hashlib;print(hmac.new(bytes([7]*32),b'telegram\\x001111111',hashlib.sha256).hexdigest())"
        let pseudonymizer = try Pseudonymizer(key: key)
        #expect(pseudonymizer.pseudonym(channel: "telegram", userID: "1111111").value == Self.expected)
    }

    static let expected = "4b685e1e8e1edcb734eeeebb8a0bfa33bdf4cf04fe42cdf21da4d42a395e62b7"

    @Test("a short key is refused")
    func shortKey() {
        #expect(throws: PseudonymKeyError.tooShort(bytes: 16)) { try Pseudonymizer(key: [UInt8](repeating: 1, count: 16)) }
    }

    @Test("the key comes from the environment (hex or base64), else from a 0600 file created on first start")
    func keySources() throws {
        let folder = NSTemporaryDirectory() + "welcomebot-key-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hex = String(repeating: "ab", count: 32)
        #expect(try Pseudonymizer.loadKey(environmentValue: hex, keyFile: folder + "/k") == [UInt8](repeating: 0xAB, count: 32))
        #expect(
            try Pseudonymizer.loadKey(
                environmentValue: Data(repeating: 1, count: 32).base64EncodedString(), keyFile: folder + "/k"
            ).count == 32)
        #expect(throws: PseudonymKeyError.self) {
            try Pseudonymizer.loadKey(environmentValue: "not a key!", keyFile: folder + "/k")
        }

        let created = try Pseudonymizer.loadKey(environmentValue: nil, keyFile: folder + "/k")
        #expect(created.count == 32)
        let permissions = try FileManager.default.attributesOfItem(atPath: folder + "/k")[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try Pseudonymizer.loadKey(environmentValue: nil, keyFile: folder + "/k") == created)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder + "/k")
        #expect(throws: PseudonymKeyError.self) { try Pseudonymizer.loadKey(environmentValue: nil, keyFile: folder + "/k") }
        #expect(throws: PseudonymKeyError.self) {
            try Pseudonymizer.loadKey(environmentValue: nil, keyFile: "/nonexistent/dir/k")
        }
    }
}
