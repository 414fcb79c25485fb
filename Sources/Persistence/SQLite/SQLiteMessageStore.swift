import Foundation
import GRDB
import WelcomeCore

/// The message store on SQLite: one file in the data folder, WAL journal, `synchronous=FULL`
/// (a 2xx to a messenger is a promise, so every accepted message is on disk before it).
///
/// Durability costs an fsync per commit. Concurrent webhooks therefore share commits: `accept`
/// queues its work, one writer takes everything queued, runs it in one transaction (a savepoint
/// per message, so one failure does not fail the others), commits once, and then resumes every
/// caller — group commit.
public final class SQLiteMessageStore: MessageStore {
    let pool: DatabasePool
    private let writer: GroupCommitWriter

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "welcomebot"
        // Writers wait for each other instead of failing; only the group committer writes often.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        writer = GroupCommitWriter(pool: pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1: claims, conversations, outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE inbound_claim (
                        channel TEXT NOT NULL,
                        provider_message_id TEXT NOT NULL,
                        received_at REAL NOT NULL,
                        PRIMARY KEY (channel, provider_message_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX inbound_claim_received ON inbound_claim(received_at);

                    CREATE TABLE conversation (
                        pseudonym TEXT PRIMARY KEY NOT NULL,
                        state BLOB NOT NULL,
                        updated_at REAL NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        channel TEXT NOT NULL,
                        chat_id TEXT NOT NULL,
                        pseudonym TEXT NOT NULL,
                        method TEXT NOT NULL,
                        body BLOB NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        lease_until REAL,
                        lease_owner TEXT,
                        created_at REAL NOT NULL,
                        finished_at REAL,
                        last_error TEXT
                    );
                    CREATE INDEX outbox_pending ON outbox(state, channel, chat_id, id);
                    CREATE INDEX outbox_pseudonym ON outbox(pseudonym);
                    """)
        }
        migrator.registerMigration("2: delivery statuses; finished rows keep no body") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN provider_message_id TEXT;
                    ALTER TABLE outbox ADD COLUMN delivery_state TEXT;
                    ALTER TABLE outbox ADD COLUMN delivery_error TEXT;
                    ALTER TABLE outbox ADD COLUMN delivery_at REAL;
                    CREATE INDEX outbox_provider_message ON outbox(channel, provider_message_id)
                      WHERE provider_message_id IS NOT NULL;
                    UPDATE outbox SET body = X'' WHERE state != 'pending';
                    """)
        }
        migrator.registerMigration("3: unanswered questions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE unanswered_question (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        pseudonym TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        language TEXT NOT NULL,
                        text TEXT NOT NULL,
                        received_at REAL NOT NULL
                    );
                    CREATE INDEX unanswered_question_received ON unanswered_question(received_at);
                    CREATE INDEX unanswered_question_pseudonym ON unanswered_question(pseudonym);
                    """)
        }
        return migrator
    }

    // MARK: MessageStore

    public func accept(
        _ record: InboundRecord, answer: @escaping @Sendable (ConversationState?) -> Answered
    ) async throws -> AcceptOutcome {
        // Answered ahead, on the state as a reader sees it now: matching and composing then run
        // on any core, side by side, and the one writer only writes. The writer checks that the
        // state is still what was answered on (another message of the same person may have
        // committed meanwhile) and answers again if not.
        // A redelivery whose claim a reader already sees is not answered ahead: the writer finds
        // the claim and answers nothing.
        let (claimed, stored) = try await pool.read { db in
            let claimed = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM inbound_claim WHERE channel = ? AND provider_message_id = ?)",
                arguments: [record.channel, record.providerMessageID])
            let stored = try Data.fetchOne(
                db, sql: "SELECT state FROM conversation WHERE pseudonym = ?", arguments: [record.pseudonym.value])
            return (claimed ?? false, stored)
        }
        let ahead = claimed ? nil : PreparedAnswer(stored: stored, answer: answer)
        return try await writer.submit(record, answer: answer, ahead: ahead)
    }

    public func claimDue(limit: Int, now: Date, leaseUntil: Date, owner: String) async throws -> [OutboxRow] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, channel, chat_id, method, body, attempts, created_at FROM outbox AS o
                    WHERE state = 'pending' AND next_attempt_at <= :now
                      AND (lease_until IS NULL OR lease_until <= :now)
                      AND NOT EXISTS (
                        SELECT 1 FROM outbox AS p
                        WHERE p.state = 'pending' AND p.channel = o.channel AND p.chat_id = o.chat_id AND p.id < o.id)
                    ORDER BY id LIMIT :limit
                    """,
                arguments: ["now": now.timeIntervalSince1970, "limit": limit])
            var claimed: [OutboxRow] = []
            for row in rows {
                let id: Int64 = row["id"]
                try db.execute(
                    sql: "UPDATE outbox SET lease_until = ?, lease_owner = ?, attempts = attempts + 1 WHERE id = ?",
                    arguments: [leaseUntil.timeIntervalSince1970, owner, id])
                claimed.append(
                    OutboxRow(
                        id: id, channel: row["channel"], chatID: row["chat_id"],
                        call: OutboundCall(method: row["method"], body: row["body"]), attempts: row["attempts"] + 1,
                        createdAt: Date(timeIntervalSince1970: row["created_at"])))
            }
            return claimed
        }
    }

    /// A sent row keeps what operators need (state, times, the messenger's id) but neither where
    /// it went nor what it said: the body holds the recipient and the reply.
    public func markSent(_ id: Int64, at date: Date, providerMessageID: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'sent', finished_at = ?, last_error = NULL, chat_id = '', body = X'',
                      provider_message_id = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?
                    """,
                arguments: [date.timeIntervalSince1970, providerMessageID, id])
        }
    }

    /// A dead letter keeps its destination and body until the dead-letter retention period
    /// (`purge`) or a discard erases them, so that it can be sent again.
    public func markDead(_ id: Int64, reason: String, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'dead', finished_at = ?, last_error = ?, lease_until = NULL, lease_owner = NULL
                    WHERE id = ?
                    """,
                arguments: [date.timeIntervalSince1970, reason, id])
        }
    }

    public func retryOutboxCall(_ id: Int64, now: Date) async throws -> Bool {
        let time = now.timeIntervalSince1970
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, created_at = ?, finished_at = NULL,
                      last_error = NULL, lease_until = NULL, lease_owner = NULL
                    WHERE id = ? AND state = 'dead' AND length(body) > 0
                    """,
                arguments: [time, time, id])
            if db.changesCount > 0 { return true }
            // A pending call waiting out its backoff (not one being sent right now) goes first.
            try db.execute(
                sql: """
                    UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending'
                      AND (lease_until IS NULL OR lease_until <= ?)
                    """,
                arguments: [time, id, time])
            return db.changesCount > 0
        }
    }

    public func discardOutboxCall(_ id: Int64, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET
                      last_error = CASE WHEN state = 'pending' THEN 'discarded by an operator'
                                   ELSE coalesce(last_error, 'dead') || '; discarded by an operator' END,
                      state = 'dead', finished_at = coalesce(finished_at, ?), chat_id = '', body = X'',
                      lease_until = NULL, lease_owner = NULL
                    WHERE id = ? AND (state = 'pending' OR (state = 'dead' AND length(body) > 0))
                    """,
                arguments: [now.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    public func outboxOverview(limit: Int) async throws -> OutboxOverview {
        try await pool.read { db in
            var overview = OutboxOverview()
            let counts = try Row.fetchAll(
                db,
                sql: """
                    SELECT state, last_error IS NOT NULL AND state = 'pending' AS retrying, COUNT(*) AS n, MIN(created_at) AS oldest
                    FROM outbox GROUP BY 1, 2
                    """)
            for row in counts {
                let n: Int = row["n"]
                switch (OutboxState(rawValue: row["state"]), row["retrying"] as Bool) {
                case (.pending, false): overview.pending += n
                case (.pending, true): overview.retrying += n
                case (.sent, _): overview.sent += n
                case (.dead, _): overview.dead += n
                case (nil, _): break
                }
                if row["state"] == "pending" {
                    let oldest = Date(timeIntervalSince1970: row["oldest"])
                    overview.oldestPendingSince = min(overview.oldestPendingSince ?? oldest, oldest)
                }
            }
            overview.attention = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, channel, state, attempts, created_at, next_attempt_at, finished_at, last_error,
                      length(body) > 0 AS has_body
                    FROM outbox WHERE state != 'sent' ORDER BY id DESC LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                let state = OutboxState(rawValue: row["state"]) ?? .dead
                return OutboxEntry(
                    id: row["id"], channel: row["channel"], state: state, attempts: row["attempts"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    nextAttemptAt: state == .pending ? Date(timeIntervalSince1970: row["next_attempt_at"]) : nil,
                    finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    lastError: row["last_error"], retryable: state == .pending || row["has_body"] as Bool)
            }
            return overview
        }
    }

    public func unansweredQuestions(limit: Int) async throws -> [UnansweredQuestion] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT language, channel, text, received_at FROM unanswered_question ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                UnansweredQuestion(
                    language: row["language"], channel: row["channel"], text: row["text"],
                    receivedAt: Date(timeIntervalSince1970: row["received_at"]))
            }
        }
    }

    public func recordDelivery(
        channel: String, providerMessageID: String, state: DeliveryState, error: String?, at date: Date
    ) async throws -> Bool {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT delivery_state FROM outbox WHERE channel = ? AND provider_message_id = ?",
                    arguments: [channel, providerMessageID])
            else { return false }
            // A report never replaces a later one (statuses arrive out of order and twice).
            let known = (row["delivery_state"] as String?).flatMap(DeliveryState.init(rawValue:))
            if let known, known >= state { return true }
            try db.execute(
                sql: """
                    UPDATE outbox SET delivery_state = ?, delivery_error = ?, delivery_at = ?
                    WHERE channel = ? AND provider_message_id = ?
                    """,
                arguments: [state.rawValue, error, date.timeIntervalSince1970, channel, providerMessageID])
            return db.changesCount > 0
        }
    }

    public func markRetry(_ id: Int64, nextAttempt: Date, error: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?",
                arguments: [nextAttempt.timeIntervalSince1970, error, id])
        }
    }

    public func conversation(_ pseudonym: Pseudonym) async throws -> ConversationState? {
        try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT state FROM conversation WHERE pseudonym = ?", arguments: [pseudonym.value])
                .flatMap { try? JSONDecoder().decode(ConversationState.self, from: $0) }
        }
    }

    public func outboxCounts() async throws -> [OutboxState: Int] {
        try await pool.read { db in
            var counts: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") {
                if let state = OutboxState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func purgeClaims(before date: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM inbound_claim WHERE received_at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func purge(_ policy: RetentionPolicy, now: Date) async throws -> PurgeReport {
        func limit(_ period: Duration) -> TimeInterval { (now - TimeInterval(period.components.seconds)).timeIntervalSince1970 }
        let claims = limit(policy.claims)
        let conversations = limit(policy.conversations)
        let deliveries = limit(policy.deliveries)
        let deadLetters = limit(policy.deadLetters)
        let questions = limit(policy.unansweredQuestions)
        return try await pool.write { db in
            var report = PurgeReport()
            try db.execute(sql: "DELETE FROM inbound_claim WHERE received_at < ?", arguments: [claims])
            report.claims = db.changesCount
            try db.execute(sql: "DELETE FROM conversation WHERE updated_at < ?", arguments: [conversations])
            report.conversations = db.changesCount
            try db.execute(sql: "DELETE FROM outbox WHERE state != 'pending' AND finished_at < ?", arguments: [deliveries])
            report.deliveries = db.changesCount
            try db.execute(
                sql: "UPDATE outbox SET chat_id = '', body = X'' WHERE state = 'dead' AND length(body) > 0 AND finished_at < ?",
                arguments: [deadLetters])
            report.deadLetters = db.changesCount
            try db.execute(sql: "DELETE FROM unanswered_question WHERE received_at < ?", arguments: [questions])
            report.unansweredQuestions = db.changesCount
            return report
        }
    }

    public func forget(_ pseudonym: Pseudonym) async throws -> ForgetReport {
        try await pool.write { db in
            var report = ForgetReport()
            try db.execute(sql: "DELETE FROM conversation WHERE pseudonym = ?", arguments: [pseudonym.value])
            report.conversations = db.changesCount
            try db.execute(sql: "DELETE FROM outbox WHERE pseudonym = ? AND state = 'pending'", arguments: [pseudonym.value])
            report.pendingReplies = db.changesCount
            try db.execute(sql: "DELETE FROM outbox WHERE pseudonym = ?", arguments: [pseudonym.value])
            report.deliveries = db.changesCount
            try db.execute(sql: "DELETE FROM unanswered_question WHERE pseudonym = ?", arguments: [pseudonym.value])
            report.unansweredQuestions = db.changesCount
            return report
        }
    }

    public func isReady() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// The number of transactions the group committer has committed (for measurements and tests).
    public var commitCount: Int {
        get async { await writer.commits }
    }
}

/// Collects `accept` calls and writes them in shared transactions.
actor GroupCommitWriter {
    private struct Job {
        var record: InboundRecord
        var answer: @Sendable (ConversationState?) -> Answered
        var ahead: PreparedAnswer?
        var continuation: CheckedContinuation<AcceptOutcome, any Error>
    }

    private let pool: DatabasePool
    private var queue: [Job] = []
    private var writing = false
    private(set) var commits = 0

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func submit(
        _ record: InboundRecord, answer: @escaping @Sendable (ConversationState?) -> Answered, ahead: PreparedAnswer? = nil
    ) async throws -> AcceptOutcome {
        try await withCheckedThrowingContinuation { continuation in
            queue.append(Job(record: record, answer: answer, ahead: ahead, continuation: continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes batches until the queue is empty. While a batch is being committed, new jobs
    /// queue up and go into the next one.
    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let work = batch.map { (record: $0.record, answer: $0.answer, ahead: $0.ahead) }
            let results: [Result<AcceptOutcome, any Error>]
            do {
                results = try await pool.write { db in
                    work.map { job in
                        Result { try Self.accept(job.record, answer: job.answer, ahead: job.ahead, in: db) }
                    }
                }
                commits += 1
            } catch {
                // The commit itself failed: nothing of this batch is durable.
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (job, result) in zip(batch, results) {
                job.continuation.resume(with: result)
            }
        }
        writing = false
    }

    private static func accept(
        _ record: InboundRecord, answer: (ConversationState?) -> Answered, ahead: PreparedAnswer?, in db: Database
    ) throws -> AcceptOutcome {
        var outcome = AcceptOutcome.duplicate
        try db.inSavepoint {
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql:
                    "INSERT INTO inbound_claim(channel, provider_message_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [record.channel, record.providerMessageID, now])
            guard db.changesCount == 1 else { return .commit }
            let stored = try Data.fetchOne(
                db, sql: "SELECT state FROM conversation WHERE pseudonym = ?", arguments: [record.pseudonym.value])
            let prepared = ahead.flatMap { $0.stored == stored ? $0 : nil } ?? PreparedAnswer(stored: stored, answer: answer)
            let answered = prepared.answered
            var pseudonym = record.pseudonym.value
            if answered.forget {
                try db.execute(sql: "DELETE FROM conversation WHERE pseudonym = ?", arguments: [pseudonym])
                try db.execute(sql: "DELETE FROM outbox WHERE pseudonym = ?", arguments: [pseudonym])
                try db.execute(sql: "DELETE FROM unanswered_question WHERE pseudonym = ?", arguments: [pseudonym])
                pseudonym = ""
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO conversation(pseudonym, state, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT(pseudonym) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                        """,
                    arguments: [pseudonym, try prepared.encodedState(), now])
                if let question = answered.unanswered {
                    try db.execute(
                        sql: """
                            INSERT INTO unanswered_question(pseudonym, channel, language, text, received_at)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [pseudonym, question.channel, question.language, question.text, now])
                }
            }
            var ids: [Int64] = []
            for call in answered.calls {
                try db.execute(
                    sql: """
                        INSERT INTO outbox(channel, chat_id, pseudonym, method, body, next_attempt_at, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [record.channel, record.chatID, pseudonym, call.method, call.body, now, now])
                ids.append(db.lastInsertedRowID)
            }
            outcome = .accepted(outboxIDs: ids)
            return .commit
        }
        return outcome
    }
}

/// An answer and the state it was given, with the new state already encoded.
struct PreparedAnswer: Sendable {
    /// The stored state the answer was made on, as bytes (nil: no conversation yet).
    let stored: Data?
    let answered: Answered
    let state: Result<Data, any Error>

    init(stored: Data?, answer: (ConversationState?) -> Answered) {
        self.stored = stored
        // A state that no longer decodes (an older format) starts the conversation afresh.
        let answered = answer(stored.flatMap { try? JSONDecoder().decode(ConversationState.self, from: $0) })
        self.answered = answered
        state = Result { try JSONEncoder().encode(answered.state) }
    }

    func encodedState() throws -> Data { try state.get() }
}
