import Foundation
import WelcomeCore

/// A pseudonymous user id: a keyed hash of channel and messenger user id. The key is not in the
/// database, so the database alone does not say who wrote.
public struct Pseudonym: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { value }
}

/// A message the server has decoded and wants to answer exactly once.
public struct InboundRecord: Sendable, Equatable {
    public var channel: String
    /// The messenger's delivery id; with `channel` the unique key of the claim.
    public var providerMessageID: String
    public var pseudonym: Pseudonym
    /// Where replies go. Stored with pending replies only, and erased once they are done.
    public var chatID: String

    public init(channel: String, providerMessageID: String, pseudonym: Pseudonym, chatID: String) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.pseudonym = pseudonym
        self.chatID = chatID
    }
}

/// One call to a messenger's API, rendered and ready to send.
public struct OutboundCall: Sendable, Equatable {
    /// The API method or path (`sendMessage`, `answerCallbackQuery`, `messages`).
    public var method: String
    /// The request body as the API wants it.
    public var body: Data

    public init(method: String, body: Data) {
        self.method = method
        self.body = body
    }
}

/// What answering a new message produced: the new conversation state and the calls to make.
public struct Answered: Sendable {
    public var state: ConversationState
    public var calls: [OutboundCall]
    /// The person asked to be forgotten: every row of theirs is erased in the same transaction,
    /// no state is kept, and these calls (the confirmation) are queued under no pseudonym.
    public var forget: Bool
    /// A question nothing answered, already scrubbed, kept for staff when the operator turned
    /// that on; stored under the person's pseudonym so that "delete my data" erases it too.
    public var unanswered: UnansweredQuestion?

    public init(
        state: ConversationState, calls: [OutboundCall], forget: Bool = false, unanswered: UnansweredQuestion? = nil
    ) {
        self.state = state
        self.calls = calls
        self.forget = forget
        self.unanswered = unanswered
    }
}

/// A question the catalog had no answer for, as staff see it: which language, when, and the
/// words with personal details taken out (see `QuestionScrubber`). Never who asked.
public struct UnansweredQuestion: Sendable, Equatable {
    public var language: String
    public var channel: String
    public var text: String
    public var receivedAt: Date

    public init(language: String, channel: String, text: String, receivedAt: Date) {
        self.language = language
        self.channel = channel
        self.text = text
        self.receivedAt = receivedAt
    }
}

public enum AcceptOutcome: Sendable, Equatable {
    /// New: answered, state saved and replies queued, all in one transaction.
    case accepted(outboxIDs: [Int64])
    /// Seen before (a redelivery): nothing done.
    case duplicate
}

/// A queued call as the sender sees it.
public struct OutboxRow: Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var chatID: String
    public var call: OutboundCall
    public var attempts: Int
    public var createdAt: Date
}

/// What a messenger said became of a sent message, in the order they happen.
public enum DeliveryState: String, Sendable, Codable, CaseIterable, Comparable {
    case sent
    case delivered
    case read
    case failed

    var rank: Int {
        switch self {
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed: 4
        }
    }

    public static func < (lhs: DeliveryState, rhs: DeliveryState) -> Bool { lhs.rank < rhs.rank }
}

/// The state of a queued call.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    case pending
    case sent
    case dead
}

/// A queued or finished call as operators see it on the dashboard: never where it goes or what
/// it says.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var state: OutboxState
    public var attempts: Int
    public var createdAt: Date
    /// When a pending call is tried next; nil for finished ones.
    public var nextAttemptAt: Date?
    public var finishedAt: Date?
    /// Why the last attempt failed, or why the call was given up.
    public var lastError: String?
    /// False once a dead letter's destination and body have been erased (by the retention
    /// period or a discard): it can no longer be sent again.
    public var retryable: Bool

    /// A pending call that failed at least once and waits for its next attempt.
    public var isRetrying: Bool { state == .pending && lastError != nil }

    public init(
        id: Int64, channel: String, state: OutboxState, attempts: Int, createdAt: Date, nextAttemptAt: Date?,
        finishedAt: Date?, lastError: String?, retryable: Bool
    ) {
        self.id = id
        self.channel = channel
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.finishedAt = finishedAt
        self.lastError = lastError
        self.retryable = retryable
    }
}

/// The outbox at a glance, for `/metrics` and the dashboard.
public struct OutboxOverview: Sendable, Equatable {
    /// Pending calls not tried yet.
    public var pending = 0
    /// Pending calls that failed at least once and wait for their next attempt.
    public var retrying = 0
    public var sent = 0
    public var dead = 0
    /// When the oldest pending call was queued; nil when none is pending.
    public var oldestPendingSince: Date?
    /// Pending and dead calls, the most recent first.
    public var attention: [OutboxEntry] = []

    public init() {}
}

/// The durable heart of the pipeline: claims, conversation state and the outbox. Implementations
/// must make `accept` atomic (claim, state and outbox in one transaction, durable on return) and
/// `claimDue` safe for several senders at once.
public protocol MessageStore: Sendable {
    /// Claims `record` under (channel, provider message id). When it is new, calls `answer` with
    /// the stored conversation state (nil for a new conversation) and stores what it returns.
    /// Returns after the transaction is durable. `answer` may be called more than once (a store
    /// may answer ahead of its transaction and again when the state changed meanwhile), so it
    /// must have no effect but its result; the result of its last call is the one stored.
    func accept(
        _ record: InboundRecord, answer: @escaping @Sendable (ConversationState?) -> Answered
    ) async throws -> AcceptOutcome

    /// Takes up to `limit` calls that are due, at most one per chat and only the oldest pending of
    /// each chat (so replies keep their order), leasing them to `owner` until `leaseUntil`.
    func claimDue(limit: Int, now: Date, leaseUntil: Date, owner: String) async throws -> [OutboxRow]

    /// The messenger accepted the call: the row keeps no destination and no body from now on,
    /// only the id the messenger gave the message, for matching its delivery statuses.
    func markSent(_ id: Int64, at: Date, providerMessageID: String?) async throws
    /// Try again at `nextAttempt`.
    func markRetry(_ id: Int64, nextAttempt: Date, error: String) async throws
    /// Give up, keeping the reason. The row keeps its destination and body for the dead-letter
    /// retention period only, so an operator can send it again (`retryOutboxCall`).
    func markDead(_ id: Int64, reason: String, at: Date) async throws

    /// Records what the messenger reported of a sent message (`sent`, `delivered`, `read`,
    /// `failed`) on its outbox row. Reports may come out of order or twice: a state never
    /// replaces a later one. Returns false when no row has that id (sent before a purge, or
    /// by another bot on the same number).
    func recordDelivery(
        channel: String, providerMessageID: String, state: DeliveryState, error: String?, at: Date
    ) async throws -> Bool

    /// The stored conversation state of a pseudonym.
    func conversation(_ pseudonym: Pseudonym) async throws -> ConversationState?
    /// Counts of outbox rows by state.
    func outboxCounts() async throws -> [OutboxState: Int]
    /// Counts by state, the age of the oldest pending call, and up to `limit` pending and dead
    /// calls, the most recent first.
    func outboxOverview(limit: Int) async throws -> OutboxOverview
    /// An operator's "send again": a dead letter that still has its body goes back to the
    /// queue as new (its maximum age counted from `now`), and a pending call waiting for its
    /// next attempt is tried at once. Returns false when the row is gone, sent or erased.
    func retryOutboxCall(_ id: Int64, now: Date) async throws -> Bool
    /// An operator's "give up": a pending call is never sent and a dead letter loses its
    /// destination and body; both keep their row, marked dead with the reason, until the
    /// delivery records' retention period. Returns false when the row is gone or sent.
    func discardOutboxCall(_ id: Int64, now: Date) async throws -> Bool
    /// The most recent unanswered questions, newest first.
    func unansweredQuestions(limit: Int) async throws -> [UnansweredQuestion]
    /// Deletes claims received before `claimsBefore`, so the table does not grow forever.
    func purgeClaims(before: Date) async throws -> Int

    /// Deletes what has outlived its retention period, and nothing else: claims received, and
    /// outbox rows finished (sent or given up), before the policy's limits, and conversations
    /// not touched since, and unanswered questions older than theirs; dead letters past theirs
    /// lose destination and body. Pending replies are never purged: the sender gives them up
    /// at their maximum age.
    func purge(_ policy: RetentionPolicy, now: Date) async throws -> PurgeReport

    /// Erases every row of one person: the conversation state, all outbox rows (pending
    /// replies included) and their unanswered questions. (Claims hold no pseudonym: they only
    /// say that a message id was seen.)
    func forget(_ pseudonym: Pseudonym) async throws -> ForgetReport
    /// True when the database answers.
    func isReady() async -> Bool
}

/// How long each kind of row is kept.
public struct RetentionPolicy: Sendable, Equatable {
    /// Message ids seen, so that a redelivery is not answered twice. Longer than any
    /// messenger's redelivery window (WhatsApp retries for up to 7 days).
    public var claims: Duration = .seconds(8 * 86_400)
    /// The language and last choices of a conversation nobody continued.
    public var conversations: Duration = .seconds(30 * 86_400)
    /// Finished outbox rows: state, times, failure reason and the messenger's message id.
    public var deliveries: Duration = .seconds(14 * 86_400)
    /// How long a dead letter keeps its destination and body, so that an operator can send it
    /// again once the cause is fixed (a refused token, a messenger down for a day). After that
    /// only its delivery record is left.
    public var deadLetters: Duration = .seconds(3 * 86_400)
    /// Unanswered questions, when the operator keeps them.
    public var unansweredQuestions: Duration = .seconds(30 * 86_400)

    public init() {}
}

public struct PurgeReport: Sendable, Equatable {
    public var claims = 0
    public var conversations = 0
    public var deliveries = 0
    /// Dead letters whose destination and body were erased (the row itself stays a while).
    public var deadLetters = 0
    public var unansweredQuestions = 0

    public init(
        claims: Int = 0, conversations: Int = 0, deliveries: Int = 0, deadLetters: Int = 0, unansweredQuestions: Int = 0
    ) {
        self.claims = claims
        self.conversations = conversations
        self.deliveries = deliveries
        self.deadLetters = deadLetters
        self.unansweredQuestions = unansweredQuestions
    }
}

public struct ForgetReport: Sendable, Equatable {
    /// 1 when a conversation state was stored, else 0.
    public var conversations = 0
    /// Replies not yet sent, now never to be sent.
    public var pendingReplies = 0
    /// Delivery records of replies already sent or given up.
    public var deliveries = 0
    /// Questions of theirs kept because nothing answered them.
    public var unansweredQuestions = 0

    public init(conversations: Int = 0, pendingReplies: Int = 0, deliveries: Int = 0, unansweredQuestions: Int = 0) {
        self.conversations = conversations
        self.pendingReplies = pendingReplies
        self.deliveries = deliveries
        self.unansweredQuestions = unansweredQuestions
    }

    public var total: Int { conversations + pendingReplies + deliveries + unansweredQuestions }
}
