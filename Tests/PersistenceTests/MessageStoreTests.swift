import Foundation
import GRDB
import Synchronization
import Testing

@testable import Persistence
@testable import WelcomeCore

private func record(_ id: String, chat: String = "100", user: String = "u1") -> InboundRecord {
    InboundRecord(channel: "telegram", providerMessageID: id, pseudonym: Pseudonym(user), chatID: chat)
}

/// An answer that remembers the language and sends the given number of calls.
private func answer(language: String = "de", calls: Int = 1) -> @Sendable (ConversationState?) -> Answered {
    { previous in
        var state = previous ?? ConversationState()
        state.language = language
        return Answered(
            state: state, calls: (0..<calls).map { OutboundCall(method: "sendMessage", body: Data("{\"n\":\($0)}".utf8)) })
    }
}

@Suite("The message store, on SQLite and on PostgreSQL")
struct MessageStoreTests {
    @Test(
        "a new message is claimed, its state saved and its replies queued; a redelivery does nothing",
        arguments: StoreBackend.allCases)
    func claimOnce(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            let first = try await store.accept(record("1"), answer: answer(calls: 2))
            guard case .accepted(let ids) = first else {
                Issue.record("not accepted")
                return
            }
            #expect(ids.count == 2)
            // A redelivery is not even answered: matching it would be work thrown away.
            let answers = Atomic<Int>(0)
            let counted = answer(calls: 2)
            for _ in 0..<2 {
                let outcome = try await store.accept(record("1")) { previous in
                    answers.add(1, ordering: .relaxed)
                    return counted(previous)
                }
                #expect(outcome == .duplicate)
            }
            #expect(answers.load(ordering: .relaxed) == 0)
            #expect(try await store.outboxCounts() == [.pending: 2])
            #expect(try await store.conversation(Pseudonym("u1"))?.language == "de")
        }
    }

    @Test("the same provider id on another channel is another message", arguments: StoreBackend.allCases)
    func perChannel(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            _ = try await database.store.accept(record("1"), answer: answer())
            let other = InboundRecord(channel: "whatsapp", providerMessageID: "1", pseudonym: Pseudonym("u1"), chatID: "100")
            #expect(try await database.store.accept(other, answer: answer()) != .duplicate)
        }
    }

    @Test("the answer sees the stored conversation state", arguments: StoreBackend.allCases)
    func stateFlows(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            _ = try await database.store.accept(record("1"), answer: answer(language: "ar"))
            let seen = Seen()
            _ = try await database.store.accept(record("2")) { previous in
                seen.set(previous?.language)
                return Answered(state: previous ?? ConversationState(), calls: [])
            }
            #expect(seen.value == "ar")
        }
    }

    @Test(
        "replies to one chat are handed out one at a time, in order; other chats go in parallel", arguments: StoreBackend.allCases
    )
    func perChatOrder(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            _ = try await store.accept(record("1", chat: "A"), answer: answer(calls: 2))
            _ = try await store.accept(record("2", chat: "B"), answer: answer(calls: 1))
            let now = Date()
            let first = try await store.claimDue(limit: 10, now: now, leaseUntil: now + 30, owner: "test")
            #expect(first.map(\.chatID) == ["A", "B"])
            #expect(first[0].call.body == Data("{\"n\":0}".utf8))
            // A's second reply waits for its first.
            #expect(try await store.claimDue(limit: 10, now: now, leaseUntil: now + 30, owner: "test").isEmpty)
            try await store.markSent(first[0].id, at: now, providerMessageID: nil)
            let second = try await store.claimDue(limit: 10, now: now, leaseUntil: now + 30, owner: "test")
            #expect(second.map(\.chatID) == ["A"])
            #expect(second[0].call.body == Data("{\"n\":1}".utf8))
        }
    }

    @Test("a retry waits until its time; a lease that ran out is handed out again", arguments: StoreBackend.allCases)
    func retryAndLease(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            _ = try await store.accept(record("1"), answer: answer())
            let now = Date()
            let row = try #require(try await store.claimDue(limit: 1, now: now, leaseUntil: now + 30, owner: "a").first)
            try await store.markRetry(row.id, nextAttempt: now + 60, error: "HTTP 502")
            #expect(try await store.claimDue(limit: 1, now: now + 59, leaseUntil: now + 90, owner: "a").isEmpty)
            let again = try #require(try await store.claimDue(limit: 1, now: now + 61, leaseUntil: now + 91, owner: "a").first)
            #expect(again.attempts == 2)
            // The owner crashes: after the lease another sender gets it.
            #expect(try await store.claimDue(limit: 1, now: now + 70, leaseUntil: now + 100, owner: "b").isEmpty)
            #expect(try await store.claimDue(limit: 1, now: now + 92, leaseUntil: now + 120, owner: "b").first?.id == row.id)
        }
    }

    @Test(
        "a sent row keeps neither destination nor body; a dead letter keeps both, to be sent again, until discarded",
        arguments: StoreBackend.allCases)
    func finishedRowsForgetTheChat(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            _ = try await store.accept(record("1", chat: "secret-chat"), answer: answer(calls: 1))
            _ = try await store.accept(record("2", chat: "other-chat", user: "u2"), answer: answer(calls: 1))
            let now = Date()
            let rows = try await store.claimDue(limit: 2, now: now, leaseUntil: now + 30, owner: "a")
            try #require(rows.count == 2)
            try await store.markDead(rows[0].id, reason: "Forbidden: bot was blocked by the user", at: now)
            try await store.markSent(rows[1].id, at: now, providerMessageID: "m1")
            #expect(try await store.outboxCounts() == [.dead: 1, .sent: 1])
            func stored(_ id: Int64, _ column: String) async throws -> String? {
                try await database.text("SELECT \(column) FROM outbox WHERE id = \(id)")
            }
            #expect(try await stored(rows[1].id, "chat_id") == "")
            #expect(try await stored(rows[1].id, "length(body)") == "0")
            #expect(try await stored(rows[0].id, "chat_id") == "secret-chat")
            #expect(try await stored(rows[0].id, "state") == "dead")
            #expect(try await stored(rows[0].id, "last_error") == "Forbidden: bot was blocked by the user")
            #expect(try await store.discardOutboxCall(rows[0].id, now: now))
            #expect(try await stored(rows[0].id, "chat_id") == "")
            #expect(try await stored(rows[0].id, "length(body)") == "0")
            #expect(
                try await stored(rows[0].id, "last_error") == "Forbidden: bot was blocked by the user; discarded by an operator")
            // Erased: it can be neither sent again nor discarded twice; a sent row neither.
            #expect(try await store.retryOutboxCall(rows[0].id, now: now) == false)
            #expect(try await store.discardOutboxCall(rows[0].id, now: now) == false)
            #expect(try await store.retryOutboxCall(rows[1].id, now: now) == false)
            #expect(try await store.discardOutboxCall(rows[1].id, now: now) == false)
        }
    }

    @Test(
        "an operator sends a dead letter again, hurries a retry, or discards a pending call; the overview counts them",
        arguments: StoreBackend.allCases)
    func operatorActions(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            for n in 1...3 {
                _ = try await store.accept(record("\(n)", chat: "chat-\(n)", user: "u\(n)"), answer: answer(calls: 1))
            }
            let now = Date()
            let rows = try await store.claimDue(limit: 3, now: now, leaseUntil: now + 30, owner: "a")
            try #require(rows.count == 3)
            try await store.markDead(rows[0].id, reason: "unauthorized: the bot token was refused", at: now)
            try await store.markRetry(rows[1].id, nextAttempt: now + 3600, error: "HTTP 502")
            var overview = try await store.outboxOverview(limit: 10)
            #expect((overview.pending, overview.retrying, overview.sent, overview.dead) == (1, 1, 0, 1))
            #expect(overview.attention.map(\.id) == rows.map(\.id).reversed())
            #expect(overview.attention.first { $0.id == rows[1].id }?.isRetrying == true)
            #expect(overview.attention.first { $0.id == rows[1].id }?.lastError == "HTTP 502")
            #expect(overview.attention.first { $0.id == rows[0].id }?.retryable == true)
            #expect(overview.oldestPendingSince != nil)
            // The token is fixed: the dead letter goes back to the queue, and is due at once.
            #expect(try await store.retryOutboxCall(rows[0].id, now: now + 1))
            // The 502 is over: the waiting call is tried now instead of in an hour.
            #expect(try await store.retryOutboxCall(rows[1].id, now: now + 1))
            // The third is leased to a sender right now: hurrying it does nothing, discarding it works.
            #expect(try await store.retryOutboxCall(rows[2].id, now: now + 1) == false)
            #expect(try await store.discardOutboxCall(rows[2].id, now: now + 1))
            let due = try await store.claimDue(limit: 10, now: now + 2, leaseUntil: now + 60, owner: "b")
            #expect(Set(due.map(\.id)) == [rows[0].id, rows[1].id])
            #expect(due.first { $0.id == rows[0].id }?.chatID == "chat-1")
            #expect(due.first { $0.id == rows[0].id }?.attempts == 1)
            overview = try await store.outboxOverview(limit: 10)
            #expect((overview.pending, overview.retrying, overview.dead) == (1, 1, 1))
            #expect(overview.attention.first { $0.id == rows[2].id }?.lastError == "discarded by an operator")
            #expect(overview.attention.first { $0.id == rows[2].id }?.retryable == false)
            #expect(try await store.retryOutboxCall(99_999, now: now) == false)
        }
    }

    @Test(
        "an unanswered question is stored in the same transaction as the answer, newest first", arguments: StoreBackend.allCases)
    func unansweredQuestions(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            for (n, text) in ["first", "second"].enumerated() {
                _ = try await store.accept(record("q\(n)")) { _ in
                    Answered(
                        state: ConversationState(), calls: [],
                        unanswered: UnansweredQuestion(language: "fa", channel: "telegram", text: text, receivedAt: Date()))
                }
            }
            // A redelivery stores nothing twice.
            _ = try await store.accept(record("q0")) { _ in
                Answered(
                    state: ConversationState(), calls: [],
                    unanswered: UnansweredQuestion(language: "fa", channel: "telegram", text: "again", receivedAt: Date()))
            }
            let questions = try await store.unansweredQuestions(limit: 10)
            #expect(questions.map(\.text) == ["second", "first"])
            #expect(questions.allSatisfy { $0.language == "fa" && $0.channel == "telegram" })
            #expect(try await store.unansweredQuestions(limit: 1).count == 1)
        }
    }

    @Test(
        "several senders claiming at once get each reply once, and never two replies of one chat at a time",
        arguments: StoreBackend.allCases)
    func concurrentSenders(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            for chat in 0..<40 {
                _ = try await store.accept(record("m\(chat)", chat: "chat-\(chat)", user: "u\(chat)"), answer: answer(calls: 3))
            }
            let now = Date()
            var seen: [Int64: String] = [:]
            // Rounds of four senders at once; between rounds the claimed replies are sent.
            for _ in 0..<3 {
                let claims = try await withThrowingTaskGroup(of: [OutboxRow].self) { group in
                    for owner in 0..<4 {
                        group.addTask {
                            try await store.claimDue(limit: 25, now: now, leaseUntil: now + 60, owner: "sender-\(owner)")
                        }
                    }
                    var all: [[OutboxRow]] = []
                    for try await rows in group { all.append(rows) }
                    return all
                }
                let rows = claims.flatMap { $0 }
                #expect(Set(rows.map(\.id)).count == rows.count, "a reply was claimed twice")
                #expect(Set(rows.map(\.chatID)).count == rows.count, "two replies of one chat at once")
                for row in rows {
                    #expect(seen[row.id] == nil)
                    seen[row.id] = row.chatID
                    try await store.markSent(row.id, at: now, providerMessageID: nil)
                }
            }
            #expect(seen.count == 120)
            #expect(try await store.outboxCounts() == [.sent: 120])
        }
    }

    @Test(
        "one person's messages arriving at once are each answered on the state the one before left (no update lost)",
        arguments: StoreBackend.allCases)
    func noLostUpdate(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            let store = database.store
            // Each answer counts on from the state it is given: a message answered on an old
            // state would leave the count short.
            let count: @Sendable (ConversationState?) -> Answered = { previous in
                var state = previous ?? ConversationState()
                state.language = String((Int(state.language ?? "") ?? 0) + 1)
                return Answered(state: state, calls: [OutboundCall(method: "sendMessage", body: Data(state.language!.utf8))])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask { _ = try await store.accept(record("same-\(index)", user: "one-person"), answer: count) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.conversation(Pseudonym("one-person"))?.language == "40")
            let bodies = try await store.claimDue(limit: 100, now: Date() + 1, leaseUntil: Date() + 60, owner: "t")
            // Only the first of a chat is due at a time; the rest follow once it is sent.
            #expect(bodies.count == 1)
            #expect(try await store.outboxCounts() == [.pending: 40])
        }
    }

    @Test("concurrent accepts share commits (group commit), and each is answered exactly once")
    func groupCommit() async throws {
        let database = try await TestStore.make(.sqlite)
        let store = try #require(database.store as? SQLiteMessageStore)
        let count = 500
        try await withThrowingTaskGroup(of: AcceptOutcome.self) { group in
            for index in 0..<count {
                group.addTask { try await store.accept(record("m\(index % 250)", chat: "c\(index % 50)"), answer: answer()) }
            }
            var accepted = 0
            var duplicates = 0
            for try await outcome in group {
                if outcome == .duplicate { duplicates += 1 } else { accepted += 1 }
            }
            #expect(accepted == 250)
            #expect(duplicates == 250)
        }
        #expect(try await store.outboxCounts() == [.pending: 250])
        let commits = await store.commitCount
        #expect(commits < count, "\(commits) commits for \(count) messages")
        await database.remove()
    }

    @Test("old claims are purged, recent ones kept", arguments: StoreBackend.allCases)
    func purge(backend: StoreBackend) async throws {
        try await withStore(backend) { database in
            _ = try await database.store.accept(record("1"), answer: answer())
            #expect(try await database.store.purgeClaims(before: Date() - 60) == 0)
            #expect(try await database.store.purgeClaims(before: Date() + 60) == 1)
            // After the purge the same id would be new again: claims must be kept longer than redeliveries happen.
            #expect(try await database.store.accept(record("1"), answer: answer()) != .duplicate)
        }
    }

    @Test("the database survives reopening: claims, state and outbox are durable")
    func reopen() async throws {
        let folder = NSTemporaryDirectory() + "welcomebot-db-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try SQLiteMessageStore(path: folder + "/db.sqlite")
            _ = try await store.accept(record("1"), answer: answer(language: "uk"))
            #expect(await store.isReady())
        }
        let reopened = try SQLiteMessageStore(path: folder + "/db.sqlite")
        #expect(try await reopened.accept(record("1"), answer: answer()) == .duplicate)
        #expect(try await reopened.conversation(Pseudonym("u1"))?.language == "uk")
        #expect(try await reopened.outboxCounts() == [.pending: 1])
    }

    @Test("a database path that cannot be opened is an error, not a crash")
    func badPath() {
        #expect(throws: (any Error).self) { try SQLiteMessageStore(path: "/nonexistent-folder/x/db.sqlite") }
    }
}

/// A value set from inside a `@Sendable` closure.
final class Seen: Sendable {
    private let storage = Mutex<String?>(nil)
    func set(_ value: String?) { storage.withLock { $0 = value } }
    var value: String? { storage.withLock { $0 } }
}
