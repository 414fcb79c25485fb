import Foundation
import GRDB
import Messengers
import Synchronization
import Testing

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

/// A messenger that answers from a script and records what it was sent, and when.
final class ScriptedTransport: MessengerTransport {
    private let script: Mutex<[SendOutcome]>
    private let log = Mutex<[(body: String, at: ContinuousClock.Instant)]>([])

    init(_ outcomes: [SendOutcome]) {
        script = Mutex(outcomes)
    }

    func send(_ row: OutboxRow) async -> SendOutcome {
        log.withLock { $0.append((String(decoding: row.call.body, as: UTF8.self), .now)) }
        return script.withLock { $0.isEmpty ? .sent(providerMessageID: nil) : $0.removeFirst() }
    }

    var sent: [String] { log.withLock { $0.map(\.body) } }
    var times: [ContinuousClock.Instant] { log.withLock { $0.map(\.at) } }
}

private func enqueue(_ store: SQLiteMessageStore, id: String, chat: String, bodies: [String]) async throws {
    _ = try await store.accept(
        InboundRecord(channel: "telegram", providerMessageID: id, pseudonym: Pseudonym("p\(chat)"), chatID: chat)
    ) { state in
        Answered(
            state: state ?? ConversationState(), calls: bodies.map { OutboundCall(method: "sendMessage", body: Data($0.utf8)) })
    }
}

private func fastSettings() -> OutboxSender.Settings {
    var settings = OutboxSender.Settings()
    settings.messagesPerSecond = 1000
    settings.perChatInterval = .zero
    return settings
}

@Suite("The outbox sender")
struct OutboxSenderTests {
    @Test("a sent call is marked sent; replies to one chat go out in order")
    func sendsInOrder() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        try await enqueue(database.store, id: "1", chat: "A", bodies: ["a1", "a2", "a3"])
        let transport = ScriptedTransport([])
        let sender = OutboxSender(store: database.store, transports: ["telegram": transport], settings: fastSettings())
        for _ in 0..<3 { await sender.sendDue() }
        #expect(transport.sent == ["a1", "a2", "a3"])
        #expect(try await database.store.outboxCounts() == [.sent: 3])
    }

    @Test("429 with retry_after waits exactly that long")
    func retryAfter() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        try await enqueue(database.store, id: "1", chat: "A", bodies: ["x"])
        let now = Date()
        let sender = OutboxSender(
            store: database.store,
            transports: ["telegram": ScriptedTransport([.retry(after: .seconds(5), reason: "Too Many Requests: retry after 5")])],
            settings: fastSettings(), clock: { now })
        await sender.sendDue()
        #expect(try await database.store.claimDue(limit: 1, now: now + 4.9, leaseUntil: now + 60, owner: "t").isEmpty)
        #expect(try await database.store.claimDue(limit: 1, now: now + 5.1, leaseUntil: now + 60, owner: "t").count == 1)
    }

    @Test("a 5xx is retried with backoff; the retry is sent")
    func serverErrorRetried() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        try await enqueue(database.store, id: "1", chat: "A", bodies: ["x"])
        let transport = ScriptedTransport([.retry(after: nil, reason: "HTTP 500")])
        var settings = fastSettings()
        settings.firstRetry = .milliseconds(10)
        let sender = OutboxSender(store: database.store, transports: ["telegram": transport], settings: settings)
        await sender.sendDue()
        #expect(try await database.store.outboxCounts() == [.pending: 1])
        try await Task.sleep(for: .milliseconds(30))
        await sender.sendDue()
        #expect(transport.sent == ["x", "x"])
        #expect(try await database.store.outboxCounts() == [.sent: 1])
    }

    @Test("a 4xx is dead with its reason, and the next reply to that chat goes on")
    func deadLetter() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        try await enqueue(database.store, id: "1", chat: "A", bodies: ["bad", "good"])
        let transport = ScriptedTransport([.dead(reason: "Bad Request: chat not found")])
        let sender = OutboxSender(store: database.store, transports: ["telegram": transport], settings: fastSettings())
        await sender.sendDue()
        await sender.sendDue()
        #expect(transport.sent == ["bad", "good"])
        #expect(try await database.store.outboxCounts() == [.dead: 1, .sent: 1])
        let reason = try await database.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT last_error FROM outbox WHERE state = 'dead'")
        }
        #expect(reason == "Bad Request: chat not found")
    }

    @Test("a reply older than the maximum age is given up, not sent")
    func tooOld() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        try await enqueue(database.store, id: "1", chat: "A", bodies: ["late"])
        let transport = ScriptedTransport([])
        let later = Date() + 25 * 3600
        let sender = OutboxSender(
            store: database.store, transports: ["telegram": transport], settings: fastSettings(), clock: { later })
        await sender.sendDue()
        #expect(transport.sent.isEmpty)
        #expect(try await database.store.outboxCounts() == [.dead: 1])
    }

    @Test("a channel without a transport is dead with a reason, not retried forever")
    func unknownChannel() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        try await enqueue(database.store, id: "1", chat: "A", bodies: ["x"])
        let sender = OutboxSender(store: database.store, transports: [:], settings: fastSettings())
        await sender.sendDue()
        #expect(try await database.store.outboxCounts() == [.dead: 1])
    }

    @Test("the rate limits space the sends: in all, and per chat")
    func rateLimits() async throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        for chat in 0..<6 { try await enqueue(database.store, id: "\(chat)", chat: "c\(chat)", bodies: ["m\(chat)"]) }
        let transport = ScriptedTransport([])
        var settings = OutboxSender.Settings()
        settings.messagesPerSecond = 50  // 20 ms apart
        settings.perChatInterval = .milliseconds(200)
        let sender = OutboxSender(store: database.store, transports: ["telegram": transport], settings: settings)
        let start = ContinuousClock.now
        await sender.sendDue()
        let times = transport.times.sorted()
        #expect(times.count == 6)
        // Six sends at 50 per second: the last cannot go before five intervals of 20 ms have
        // passed. (Measured from the start, not from the first send, which a busy machine may
        // wake late.)
        #expect(try #require(times.last) - start >= .milliseconds(95))
        // Two replies to one chat: the second waits for the per-chat interval.
        try await enqueue(database.store, id: "x", chat: "solo", bodies: ["s1", "s2"])
        let solo = ScriptedTransport([])
        let soloSender = OutboxSender(store: database.store, transports: ["telegram": solo], settings: settings)
        let soloStart = ContinuousClock.now
        await soloSender.sendDue()
        await soloSender.sendDue()
        #expect(solo.sent == ["s1", "s2"])
        #expect(try #require(solo.times.last) - soloStart >= .milliseconds(195))
    }

    @Test("backoff grows with attempts, never above the cap")
    func backoff() throws {
        let database = try TemporaryDatabase()
        defer { database.remove() }
        var settings = OutboxSender.Settings()
        settings.firstRetry = .seconds(1)
        settings.longestRetry = .seconds(8)
        let sender = OutboxSender(store: database.store, transports: [:], settings: settings)
        for attempt in 1...10 {
            let delay = sender.backoff(attempt: attempt)
            #expect(delay >= .zero)
            #expect(delay <= .seconds(min(8, 1 << (attempt - 1))))
        }
    }
}
