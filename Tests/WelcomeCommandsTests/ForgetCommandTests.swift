import Foundation
import Persistence
import Testing
import WelcomeCore

@testable import WelcomeCommands

@Suite("welcomebot forget")
struct ForgetCommandTests {
    @Test("forget finds the person by the number in either form and deletes their rows")
    func forget() async throws {
        let folder = NSTemporaryDirectory() + "welcomebot-forget-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try Pseudonymizer.loadKey(environmentValue: nil, keyFile: folder + "/pseudonym.key")
        let pseudonymizer = try Pseudonymizer(key: key)
        let store = try SQLiteMessageStore(path: folder + "/welcomebot.sqlite")
        let pseudonym = pseudonymizer.pseudonym(channel: "whatsapp", userID: "4915112345678")
        _ = try await store.accept(
            InboundRecord(channel: "whatsapp", providerMessageID: "wamid.1", pseudonym: pseudonym, chatID: "4915112345678")
        ) { _ in
            Answered(state: ConversationState(language: "fa"), calls: [OutboundCall(method: "messages", body: Data("x".utf8))])
        }
        let run = await welcomebotAsync(
            ["forget", "--channel", "whatsapp", "--user", "+49 151 12345678", "--data", folder],
            environment: ["DATA_DIRECTORY": "/nonexistent"])
        #expect(run.exitCode == 0, "\(run.errors)")
        #expect(
            run.lines.first
                == "Deleted for this person on whatsapp: 1 conversation state, 1 replies not yet sent, 0 delivery records, 0 unanswered questions."
        )
        #expect(run.output.contains("must be deleted there"))
        #expect(try await store.conversation(pseudonym) == nil)
        #expect(try await store.outboxCounts().isEmpty)
        let again = await welcomebotAsync(["forget", "--channel", "whatsapp", "--user", "4915112345678", "--data", folder])
        #expect(again.lines.first == "Nothing was stored for this person on whatsapp.")
    }

    @Test("without the key, the database or a known channel, it says what to do and deletes nothing")
    func refusals() async throws {
        let folder = NSTemporaryDirectory() + "welcomebot-forget-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let noKey = await welcomebotAsync(["forget", "--channel", "sms", "--user", "+4915112345678", "--data", folder])
        #expect(noKey.exitCode == 1)
        #expect(noKey.errors.contains("no pseudonym key"))
        // It never makes a key of its own: that would find nobody, ever.
        #expect(!FileManager.default.fileExists(atPath: folder + "/pseudonym.key"))
        let channel = await welcomebotAsync(["forget", "--channel", "signal", "--user", "x", "--data", folder])
        #expect(channel.exitCode != 0)
        #expect(channel.errors.contains("--channel must be one of"))
    }
}
