import Foundation
import Logging
import NIOSSL
import PostgresNIO
import WelcomeCore

/// The message store on PostgreSQL, for several `welcomebot serve` instances behind one load
/// balancer. The behaviour is the SQLite store's, made safe across processes:
///
/// - a message is claimed under its unique key (channel, messenger id) in the transaction that
///   answers it and queues its replies, so a redelivery that reaches the other instance waits
///   for that transaction and then finds the claim;
/// - one person's messages are answered one at a time (a transaction-scoped advisory lock on
///   the pseudonym), so two instances never both build on the same conversation state;
/// - senders on every instance claim due replies with `FOR UPDATE SKIP LOCKED` and a lease; a
///   chat's next reply is not due while an earlier one is pending, so replies keep their order
///   across instances, and a killed instance's leased replies come back when the lease runs out.
///
/// Times are stored as seconds since 1970 (`double precision`), as in SQLite, so both stores
/// share their arithmetic and their tests; `to_timestamp(received_at)` shows them as dates.
public final class PostgresMessageStore: MessageStore {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects (the pool opens connections as needed) and brings the schema up to date.
    /// - Parameters:
    ///   - url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
    ///   - connectWait: how long to go on trying while the server cannot be reached (it may be
    ///     starting beside the bot); a wrong password or database fails at once.
    /// - Throws: `PostgresSettingsError` for a malformed URL, `PostgresUnreachableError` with
    ///   the reason and what to do when no connection could be made.
    public init(
        url: String, maximumConnections: Int = 20, connectWait: Duration = .seconds(30),
        logger: Logger = Logger(label: "welcomebot.postgres")
    ) async throws {
        let address = try PostgresAddress(url)
        // The pool would wait for a connection for ever, logging only that it failed: first
        // one connection of our own, which says why it fails.
        try await address.waitUntilReachable(for: connectWait, logger: logger)
        var configuration = address.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
        // Let the pool start before the first lease (it would wait, with a warning in the log).
        for _ in 0..<8 { await Task.yield() }
        do {
            try await Self.migrate(client, logger: logger)
        } catch {
            runner.cancel()
            throw error
        }
    }

    deinit {
        runner.cancel()
    }

    /// Closes the connections.
    public func shutdown() {
        runner.cancel()
    }

    /// The client configuration of a `postgres://` URL.
    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        try PostgresAddress(url).clientConfiguration
    }

    // MARK: Schema

    /// Each step runs once, in order, in its own transaction; instances starting together wait
    /// for each other on an advisory lock instead of racing.
    static let migrations: [(version: Int, name: String, sql: [String])] = [
        (
            1, "claims, conversations, outbox, unanswered questions",
            [
                """
                CREATE TABLE inbound_claim (
                    channel text NOT NULL,
                    provider_message_id text NOT NULL,
                    received_at double precision NOT NULL,
                    PRIMARY KEY (channel, provider_message_id))
                """,
                "CREATE INDEX inbound_claim_received ON inbound_claim(received_at)",
                """
                CREATE TABLE conversation (
                    pseudonym text PRIMARY KEY,
                    state bytea NOT NULL,
                    updated_at double precision NOT NULL)
                """,
                "CREATE INDEX conversation_updated ON conversation(updated_at)",
                """
                CREATE TABLE outbox (
                    id bigserial PRIMARY KEY,
                    channel text NOT NULL,
                    chat_id text NOT NULL,
                    pseudonym text NOT NULL,
                    method text NOT NULL,
                    body bytea NOT NULL,
                    state text NOT NULL DEFAULT 'pending',
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at double precision NOT NULL,
                    lease_until double precision,
                    lease_owner text,
                    created_at double precision NOT NULL,
                    finished_at double precision,
                    last_error text,
                    provider_message_id text,
                    delivery_state text,
                    delivery_error text,
                    delivery_at double precision)
                """,
                "CREATE INDEX outbox_pending ON outbox(channel, chat_id, id) WHERE state = 'pending'",
                "CREATE INDEX outbox_pseudonym ON outbox(pseudonym)",
                "CREATE INDEX outbox_finished ON outbox(finished_at) WHERE state != 'pending'",
                """
                CREATE INDEX outbox_provider_message ON outbox(channel, provider_message_id)
                  WHERE provider_message_id IS NOT NULL
                """,
                """
                CREATE TABLE unanswered_question (
                    id bigserial PRIMARY KEY,
                    pseudonym text NOT NULL,
                    channel text NOT NULL,
                    language text NOT NULL,
                    text text NOT NULL,
                    received_at double precision NOT NULL)
                """,
                "CREATE INDEX unanswered_question_received ON unanswered_question(received_at)",
                "CREATE INDEX unanswered_question_pseudonym ON unanswered_question(pseudonym)",
            ]
        )
    ]

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            // Any fixed number: only WelcomeBot's migrations take this lock.
            try await connection.query("SELECT pg_advisory_xact_lock(7355608)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS welcomebot_migration (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM welcomebot_migration", logger: logger)
                .decode(Int.self)
            {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO welcomebot_migration(version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
            }
        }
    }

    // MARK: MessageStore

    public func accept(
        _ record: InboundRecord, answer: @escaping @Sendable (ConversationState?) -> Answered
    ) async throws -> AcceptOutcome {
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            let now = Date().timeIntervalSince1970
            // A redelivery being answered by another instance right now waits here for that
            // transaction, then finds the claim.
            let claimed = try await connection.query(
                """
                INSERT INTO inbound_claim(channel, provider_message_id, received_at)
                VALUES (\(record.channel), \(record.providerMessageID), \(now)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            guard try await claimed.decode(Int.self).first(where: { _ in true }) != nil else { return .duplicate }
            var pseudonym = record.pseudonym.value
            // One of a person's messages at a time, whichever instance has it.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(pseudonym), 0))", logger: logger)
            var previous: ConversationState?
            for try await state in try await connection.query(
                "SELECT state FROM conversation WHERE pseudonym = \(pseudonym)", logger: logger
            ).decode(Data.self) {
                previous = try? JSONDecoder().decode(ConversationState.self, from: state)
            }
            let answered = answer(previous)
            if answered.forget {
                try await Self.erase(pseudonym, on: connection, logger: logger)
                pseudonym = ""
            } else {
                let state = try JSONEncoder().encode(answered.state)
                try await connection.query(
                    """
                    INSERT INTO conversation(pseudonym, state, updated_at) VALUES (\(pseudonym), \(state), \(now))
                    ON CONFLICT (pseudonym) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                    """, logger: logger)
                if let question = answered.unanswered {
                    try await connection.query(
                        """
                        INSERT INTO unanswered_question(pseudonym, channel, language, text, received_at)
                        VALUES (\(pseudonym), \(question.channel), \(question.language), \(question.text), \(now))
                        """, logger: logger)
                }
            }
            var ids: [Int64] = []
            for call in answered.calls {
                let body = call.body
                let rows = try await connection.query(
                    """
                    INSERT INTO outbox(channel, chat_id, pseudonym, method, body, next_attempt_at, created_at)
                    VALUES (\(record.channel), \(record.chatID), \(pseudonym), \(call.method), \(body), \(now), \(now))
                    RETURNING id
                    """, logger: logger)
                for try await id in rows.decode(Int64.self) { ids.append(id) }
            }
            return .accepted(outboxIDs: ids)
        }
    }

    /// Every row of one pseudonym, inside the caller's transaction.
    @discardableResult
    private static func erase(_ pseudonym: String, on connection: PostgresConnection, logger: Logger) async throws
        -> ForgetReport
    {
        var report = ForgetReport()
        report.conversations = try await count(
            connection, "DELETE FROM conversation WHERE pseudonym = \(pseudonym) RETURNING 1", logger)
        report.pendingReplies = try await count(
            connection, "DELETE FROM outbox WHERE pseudonym = \(pseudonym) AND state = 'pending' RETURNING 1", logger)
        report.deliveries = try await count(connection, "DELETE FROM outbox WHERE pseudonym = \(pseudonym) RETURNING 1", logger)
        report.unansweredQuestions = try await count(
            connection, "DELETE FROM unanswered_question WHERE pseudonym = \(pseudonym) RETURNING 1", logger)
        return report
    }

    /// Runs a statement that returns one row per changed row, and counts them.
    private static func count(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await client.query(query, logger: logger) { count += 1 }
        return count
    }

    public func claimDue(limit: Int, now: Date, leaseUntil: Date, owner: String) async throws -> [OutboxRow] {
        let time = now.timeIntervalSince1970
        let lease = leaseUntil.timeIntervalSince1970
        // Rows another sender is claiming right now are skipped, not waited for; a chat's later
        // reply is never a candidate while an earlier one is pending.
        let rows = try await client.query(
            """
            WITH due AS (
              SELECT id FROM outbox AS o
              WHERE state = 'pending' AND next_attempt_at <= \(time) AND (lease_until IS NULL OR lease_until <= \(time))
                AND NOT EXISTS (
                  SELECT 1 FROM outbox AS p
                  WHERE p.state = 'pending' AND p.channel = o.channel AND p.chat_id = o.chat_id AND p.id < o.id)
              ORDER BY id LIMIT \(limit)
              FOR UPDATE SKIP LOCKED)
            UPDATE outbox SET lease_until = \(lease), lease_owner = \(owner), attempts = outbox.attempts + 1
            FROM due WHERE outbox.id = due.id
            RETURNING outbox.id, outbox.channel, outbox.chat_id, outbox.method, outbox.body, outbox.attempts, outbox.created_at
            """, logger: logger)
        var claimed: [OutboxRow] = []
        for try await (id, channel, chatID, method, body, attempts, createdAt) in rows.decode(
            (Int64, String, String, String, Data, Int, Double).self)
        {
            claimed.append(
                OutboxRow(
                    id: id, channel: channel, chatID: chatID, call: OutboundCall(method: method, body: body),
                    attempts: attempts, createdAt: Date(timeIntervalSince1970: createdAt)))
        }
        return claimed.sorted { $0.id < $1.id }
    }

    public func markSent(_ id: Int64, at date: Date, providerMessageID: String?) async throws {
        try await client.query(
            """
            UPDATE outbox SET state = 'sent', finished_at = \(date.timeIntervalSince1970), last_error = NULL, chat_id = '',
              body = '\\x', provider_message_id = \(providerMessageID), lease_until = NULL, lease_owner = NULL
            WHERE id = \(id)
            """, logger: logger)
    }

    public func markRetry(_ id: Int64, nextAttempt: Date, error: String) async throws {
        try await client.query(
            """
            UPDATE outbox SET next_attempt_at = \(nextAttempt.timeIntervalSince1970), last_error = \(error),
              lease_until = NULL, lease_owner = NULL
            WHERE id = \(id)
            """, logger: logger)
    }

    public func markDead(_ id: Int64, reason: String, at date: Date) async throws {
        try await client.query(
            """
            UPDATE outbox SET state = 'dead', finished_at = \(date.timeIntervalSince1970), last_error = \(reason),
              lease_until = NULL, lease_owner = NULL
            WHERE id = \(id)
            """, logger: logger)
    }

    public func retryOutboxCall(_ id: Int64, now: Date) async throws -> Bool {
        let time = now.timeIntervalSince1970
        let revived = try await count(
            """
            UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(time), created_at = \(time),
              finished_at = NULL, last_error = NULL, lease_until = NULL, lease_owner = NULL
            WHERE id = \(id) AND state = 'dead' AND length(body) > 0 RETURNING 1
            """)
        if revived > 0 { return true }
        return try await count(
            """
            UPDATE outbox SET next_attempt_at = \(time)
            WHERE id = \(id) AND state = 'pending' AND (lease_until IS NULL OR lease_until <= \(time)) RETURNING 1
            """) > 0
    }

    public func discardOutboxCall(_ id: Int64, now: Date) async throws -> Bool {
        try await count(
            """
            UPDATE outbox SET
              last_error = CASE WHEN state = 'pending' THEN 'discarded by an operator'
                           ELSE coalesce(last_error, 'dead') || '; discarded by an operator' END,
              state = 'dead', finished_at = coalesce(finished_at, \(now.timeIntervalSince1970)), chat_id = '', body = '\\x',
              lease_until = NULL, lease_owner = NULL
            WHERE id = \(id) AND (state = 'pending' OR (state = 'dead' AND length(body) > 0)) RETURNING 1
            """) > 0
    }

    public func recordDelivery(
        channel: String, providerMessageID: String, state: DeliveryState, error: String?, at date: Date
    ) async throws -> Bool {
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            var known: String??
            for try await value in try await connection.query(
                """
                SELECT delivery_state FROM outbox WHERE channel = \(channel) AND provider_message_id = \(providerMessageID)
                FOR UPDATE
                """, logger: logger
            ).decode(String?.self) {
                known = .some(value)
            }
            guard let known else { return false }
            // A report never replaces a later one (statuses arrive out of order and twice).
            if let current = known.flatMap(DeliveryState.init(rawValue:)), current >= state { return true }
            try await connection.query(
                """
                UPDATE outbox SET delivery_state = \(state.rawValue), delivery_error = \(error),
                  delivery_at = \(date.timeIntervalSince1970)
                WHERE channel = \(channel) AND provider_message_id = \(providerMessageID)
                """, logger: logger)
            return true
        }
    }

    public func conversation(_ pseudonym: Pseudonym) async throws -> ConversationState? {
        for try await state in try await client.query(
            "SELECT state FROM conversation WHERE pseudonym = \(pseudonym.value)", logger: logger
        ).decode(Data.self) {
            return try? JSONDecoder().decode(ConversationState.self, from: state)
        }
        return nil
    }

    public func outboxCounts() async throws -> [OutboxState: Int] {
        var counts: [OutboxState: Int] = [:]
        for try await (state, count) in try await client.query(
            "SELECT state, COUNT(*) FROM outbox GROUP BY state", logger: logger
        ).decode((String, Int).self) {
            if let state = OutboxState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    public func outboxOverview(limit: Int) async throws -> OutboxOverview {
        var overview = OutboxOverview()
        for try await (state, retrying, count, oldest) in try await client.query(
            """
            SELECT state, (last_error IS NOT NULL AND state = 'pending'), COUNT(*), MIN(created_at)
            FROM outbox GROUP BY 1, 2
            """, logger: logger
        ).decode((String, Bool, Int, Double).self) {
            switch (OutboxState(rawValue: state), retrying) {
            case (.pending, false): overview.pending += count
            case (.pending, true): overview.retrying += count
            case (.sent, _): overview.sent += count
            case (.dead, _): overview.dead += count
            case (nil, _): break
            }
            if state == "pending" {
                let since = Date(timeIntervalSince1970: oldest)
                overview.oldestPendingSince = min(overview.oldestPendingSince ?? since, since)
            }
        }
        for try await (id, channel, state, attempts, createdAt, nextAttempt, finishedAt, lastError, hasBody)
            in try await client
            .query(
                """
                SELECT id, channel, state, attempts, created_at, next_attempt_at, finished_at, last_error, length(body) > 0
                FROM outbox WHERE state != 'sent' ORDER BY id DESC LIMIT \(limit)
                """, logger: logger
            ).decode((Int64, String, String, Int, Double, Double, Double?, String?, Bool).self)
        {
            let state = OutboxState(rawValue: state) ?? .dead
            overview.attention.append(
                OutboxEntry(
                    id: id, channel: channel, state: state, attempts: attempts, createdAt: Date(timeIntervalSince1970: createdAt),
                    nextAttemptAt: state == .pending ? Date(timeIntervalSince1970: nextAttempt) : nil,
                    finishedAt: finishedAt.map(Date.init(timeIntervalSince1970:)), lastError: lastError,
                    retryable: state == .pending || hasBody))
        }
        return overview
    }

    public func unansweredQuestions(limit: Int) async throws -> [UnansweredQuestion] {
        var questions: [UnansweredQuestion] = []
        for try await (language, channel, text, receivedAt) in try await client.query(
            "SELECT language, channel, text, received_at FROM unanswered_question ORDER BY id DESC LIMIT \(limit)",
            logger: logger
        ).decode((String, String, String, Double).self) {
            questions.append(
                UnansweredQuestion(
                    language: language, channel: channel, text: text, receivedAt: Date(timeIntervalSince1970: receivedAt)))
        }
        return questions
    }

    public func purgeClaims(before date: Date) async throws -> Int {
        try await count("DELETE FROM inbound_claim WHERE received_at < \(date.timeIntervalSince1970) RETURNING 1")
    }

    public func purge(_ policy: RetentionPolicy, now: Date) async throws -> PurgeReport {
        func limit(_ period: Duration) -> Double { (now - TimeInterval(period.components.seconds)).timeIntervalSince1970 }
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            var report = PurgeReport()
            report.claims = try await Self.count(
                connection, "DELETE FROM inbound_claim WHERE received_at < \(limit(policy.claims)) RETURNING 1", logger)
            report.conversations = try await Self.count(
                connection, "DELETE FROM conversation WHERE updated_at < \(limit(policy.conversations)) RETURNING 1", logger)
            report.deliveries = try await Self.count(
                connection,
                "DELETE FROM outbox WHERE state != 'pending' AND finished_at < \(limit(policy.deliveries)) RETURNING 1", logger)
            report.deadLetters = try await Self.count(
                connection,
                """
                UPDATE outbox SET chat_id = '', body = '\\x'
                WHERE state = 'dead' AND length(body) > 0 AND finished_at < \(limit(policy.deadLetters)) RETURNING 1
                """, logger)
            report.unansweredQuestions = try await Self.count(
                connection,
                "DELETE FROM unanswered_question WHERE received_at < \(limit(policy.unansweredQuestions)) RETURNING 1", logger)
            return report
        }
    }

    public func forget(_ pseudonym: Pseudonym) async throws -> ForgetReport {
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\(pseudonym.value), 0))", logger: logger)
            return try await Self.erase(pseudonym.value, on: connection, logger: logger)
        }
    }

    public func isReady() async -> Bool {
        do {
            for try await one in try await client.query("SELECT 1", logger: logger).decode(Int.self) { return one == 1 }
            return false
        } catch {
            return false
        }
    }
}

public struct PostgresSettingsError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

// MARK: For tests and tools

extension PostgresMessageStore {
    /// A connection to the server of `url` for administration (creating test databases): no
    /// migrations run.
    static func administer(url: String) async throws -> PostgresAdministration {
        PostgresAdministration(configuration: try configuration(url))
    }

    /// `url` with another database.
    static func url(_ url: String, database: String) throws -> String {
        guard var components = URLComponents(string: url) else { throw PostgresSettingsError("not a URL") }
        components.path = "/" + database
        return components.string ?? url
    }

    /// Runs one statement given as text (tests and tools only: nothing from outside goes in).
    func execute(_ sql: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// The first column of the first row, cast to text by the caller's SQL or by PostgreSQL.
    func firstText(_ sql: String) async throws -> String? {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: "SELECT (\(sql))::text"), logger: logger)
            .decode(String?.self)
        {
            return value
        }
        return nil
    }
}

/// A bare client for statements outside any WelcomeBot schema.
final class PostgresAdministration: Sendable {
    private let client: PostgresClient
    private let runner: Task<Void, Never>

    init(configuration: PostgresClient.Configuration) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "welcomebot.postgres"))
        self.client = client
        runner = Task { await client.run() }
    }

    func execute(_ sql: String) async throws {
        try await client.query(PostgresQuery(unsafeSQL: sql))
    }

    func shutdown() { runner.cancel() }
}
