import Foundation
import GRDB
import Testing

@testable import Persistence
@testable import WelcomeCore

private func accept(_ store: SQLiteMessageStore, id: String, user: String, replies: Int = 1) async throws {
    _ = try await store.accept(
        InboundRecord(channel: "whatsapp", providerMessageID: id, pseudonym: Pseudonym(user), chatID: "c-\(user)")
    ) { previous in
        Answered(
            state: previous ?? ConversationState(language: "ar"),
            calls: (0..<replies).map { OutboundCall(method: "messages", body: Data("reply \($0)".utf8)) })
    }
}

private func count(_ store: SQLiteMessageStore, _ sql: String) async throws -> Int {
    try await store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
}

@Suite("Retention and forgetting")
struct RetentionTests {
    @Test("the purge removes what is older than its period and nothing else; pending replies stay")
    func purge() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        let store = database.store
        try await accept(store, id: "old", user: "old-user")
        try await accept(store, id: "new", user: "new-user")
        // Age the old person's rows: claim 9 days, conversation 31 days, sent reply 15 days ago.
        let day = 86_400.0
        let now = Date()
        let rows = try await store.claimDue(limit: 10, now: now, leaseUntil: now + 60, owner: "test")
        for row in rows { try await store.markSent(row.id, at: now, providerMessageID: "wamid.\(row.id)") }
        try await accept(store, id: "pending", user: "old-user")
        try await store.pool.write { db in
            try db.execute(
                sql: "UPDATE inbound_claim SET received_at = ? WHERE provider_message_id = 'old'",
                arguments: [now.timeIntervalSince1970 - 9 * day])
            try db.execute(
                sql: "UPDATE conversation SET updated_at = ? WHERE pseudonym = 'new-user'",
                arguments: [now.timeIntervalSince1970 - 31 * day])
            try db.execute(
                sql: "UPDATE outbox SET finished_at = ?, created_at = ? WHERE state = 'sent' AND pseudonym = 'old-user'",
                arguments: [now.timeIntervalSince1970 - 15 * day, now.timeIntervalSince1970 - 15 * day])
        }
        let report = try await store.purge(RetentionPolicy(), now: now)
        #expect(report == PurgeReport(claims: 1, conversations: 1, deliveries: 1))
        #expect(try await count(store, "SELECT COUNT(*) FROM inbound_claim") == 2)
        #expect(try await count(store, "SELECT COUNT(*) FROM conversation WHERE pseudonym = 'old-user'") == 1)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 1)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 1)
        // A second purge finds nothing more.
        #expect(try await store.purge(RetentionPolicy(), now: now) == PurgeReport())
    }

    @Test("forget erases one person's conversation, pending replies and delivery records, and nobody else's")
    func forget() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        let store = database.store
        try await accept(store, id: "1", user: "amira")
        let now = Date()
        for row in try await store.claimDue(limit: 10, now: now, leaseUntil: now + 60, owner: "test") {
            try await store.markSent(row.id, at: now, providerMessageID: nil)
        }
        try await accept(store, id: "2", user: "amira", replies: 2)
        try await accept(store, id: "3", user: "other")
        let report = try await store.forget(Pseudonym("amira"))
        #expect(report == ForgetReport(conversations: 1, pendingReplies: 2, deliveries: 1))
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox WHERE pseudonym = 'amira'") == 0)
        #expect(try await count(store, "SELECT COUNT(*) FROM conversation WHERE pseudonym = 'amira'") == 0)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox WHERE pseudonym = 'other'") == 1)
        #expect(try await store.conversation(Pseudonym("other")) != nil)
        #expect(try await store.forget(Pseudonym("amira")) == ForgetReport())
    }
}
