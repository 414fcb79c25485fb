import Foundation
import GRDB
import Testing

@testable import Persistence
@testable import WelcomeCore

@discardableResult
private func accept(
    _ store: any MessageStore, id: String, user: String, replies: Int = 1, question: String? = nil
) async throws -> [Int64] {
    let outcome = try await store.accept(
        InboundRecord(channel: "whatsapp", providerMessageID: id, pseudonym: Pseudonym(user), chatID: "c-\(user)")
    ) { previous in
        Answered(
            state: previous ?? ConversationState(language: "ar"),
            calls: (0..<replies).map { OutboundCall(method: "messages", body: Data("reply \($0)".utf8)) },
            unanswered: question.map { UnansweredQuestion(language: "ar", channel: "whatsapp", text: $0, receivedAt: Date()) })
    }
    guard case .accepted(let ids) = outcome else { return [] }
    return ids
}

@Suite("Retention and forgetting")
struct RetentionTests {
    @Test(
        "the purge removes what is older than its period and nothing else; pending replies stay", arguments: StoreBackend.allCases
    )
    func purge(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            try await accept(store, id: "old", user: "old-user")
            try await accept(store, id: "new", user: "new-user")
            // Age the old person's rows: claim 9 days, conversation 31 days, sent reply 15 days ago.
            let day = 86_400.0
            let now = Date()
            let rows = try await store.claimDue(limit: 10, now: now, leaseUntil: now + 60, owner: "test")
            for row in rows { try await store.markSent(row.id, at: now, providerMessageID: "wamid.\(row.id)") }
            try await accept(store, id: "pending", user: "old-user")
            try await accept(store, id: "q-old", user: "old-user", replies: 0, question: "old question")
            try await accept(store, id: "q-new", user: "new-user", replies: 0, question: "new question")
            // Two dead letters: one given up 4 days ago (past the 3 days a dead letter keeps its
            // body), one today.
            for id in try await accept(store, id: "dead-old", user: "old-user") + accept(store, id: "dead-new", user: "new-user")
            {
                try await store.markDead(id, reason: "HTTP 401", at: now)
            }
            let ago = { (days: Double) in now.timeIntervalSince1970 - days * day }
            for sql in [
                "UPDATE inbound_claim SET received_at = \(ago(9)) WHERE provider_message_id = 'old'",
                "UPDATE conversation SET updated_at = \(ago(31)) WHERE pseudonym = 'new-user'",
                "UPDATE outbox SET finished_at = \(ago(15)), created_at = \(ago(15)) WHERE state = 'sent' AND pseudonym = 'old-user'",
                "UPDATE unanswered_question SET received_at = \(ago(31)) WHERE text = 'old question'",
                "UPDATE outbox SET finished_at = \(ago(4)) WHERE state = 'dead' AND pseudonym = 'old-user'",
            ] {
                try await database.execute(sql)
            }
            #expect(try await database.count("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND length(body) > 0") == 2)
            let report = try await store.purge(RetentionPolicy(), now: now)
            #expect(report == PurgeReport(claims: 1, conversations: 1, deliveries: 1, deadLetters: 1, unansweredQuestions: 1))
            #expect(try await store.unansweredQuestions(limit: 10).map(\.text) == ["new question"])
            // The old dead letter keeps its record, not its destination or body; the new one both.
            #expect(
                try await database.count("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND chat_id = '' AND length(body) = 0")
                    == 1)
            #expect(
                try await database.count(
                    "SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND pseudonym = 'new-user' AND chat_id = 'c-new-user'")
                    == 1)
            #expect(try await database.count("SELECT COUNT(*) FROM inbound_claim") == 6)
            #expect(try await database.count("SELECT COUNT(*) FROM conversation WHERE pseudonym = 'old-user'") == 1)
            #expect(try await database.count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 1)
            #expect(try await database.count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 1)
            // A second purge finds nothing more.
            #expect(try await store.purge(RetentionPolicy(), now: now) == PurgeReport())
        }
    }

    @Test(
        "forget erases one person's conversation, pending replies and delivery records, and nobody else's",
        arguments: StoreBackend.allCases)
    func forget(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            try await accept(store, id: "1", user: "amira")
            let now = Date()
            for row in try await store.claimDue(limit: 10, now: now, leaseUntil: now + 60, owner: "test") {
                try await store.markSent(row.id, at: now, providerMessageID: nil)
            }
            try await accept(store, id: "2", user: "amira", replies: 2)
            try await accept(store, id: "3", user: "other", question: "someone else's question")
            try await accept(store, id: "4", user: "amira", replies: 0, question: "amira's question")
            let report = try await store.forget(Pseudonym("amira"))
            #expect(report == ForgetReport(conversations: 1, pendingReplies: 2, deliveries: 1, unansweredQuestions: 1))
            #expect(try await store.unansweredQuestions(limit: 10).map(\.text) == ["someone else's question"])
            #expect(try await database.count("SELECT COUNT(*) FROM outbox WHERE pseudonym = 'amira'") == 0)
            #expect(try await database.count("SELECT COUNT(*) FROM conversation WHERE pseudonym = 'amira'") == 0)
            #expect(try await database.count("SELECT COUNT(*) FROM outbox WHERE pseudonym = 'other'") == 1)
            #expect(try await store.conversation(Pseudonym("other")) != nil)
            #expect(try await store.forget(Pseudonym("amira")) == ForgetReport())
        }
    }
}
